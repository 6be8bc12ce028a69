"""Batches: discovery, ordered results from worker processes, per-file isolation, timings.

Failures are simulated with the test-only hook checker.batch.TEST_HOOK_ENV ("action:substring;..."):
a worker checking a matching path hangs, sleeps, exits, is SIGKILLed or raises.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.batch import (
    TEST_HOOK_ENV,
    BatchOptions,
    MissingPathError,
    WorkerPool,
    discover,
    iter_results,
)
from checker.cli import app
from checker.pipeline import CheckOptions, check_file
from conftest import FIXTURES, REAL_DOCS, ROOT, SEED_000, SEED_004

ALL_FIXTURES = ["fixtures/seeds", "fixtures/real-docs", "fixtures/generated"]


class CliOutcome:
    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args, env=None, cwd=ROOT) -> CliOutcome:
    """`jixiao ARGS` through typer's CliRunner in this process, from `cwd`, with `env` added to
    the environment (the test hook variable is cleared unless given)."""
    previous = os.getcwd()
    full_env = {TEST_HOOK_ENV: None, "COLUMNS": "200", **(env or {})}
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(app, [str(a) for a in args], env=full_env, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return CliOutcome(result.exit_code, result.stdout, result.stderr)


def rel(paths, root):
    return [os.path.relpath(p, root) for p in paths]


@pytest.fixture
def tree(tmp_path):
    """A submission folder as units send it: mixed formats, a subfolder, hidden and lock files."""
    seed = SEED_000.read_text(encoding="utf-8")
    (tmp_path / "b.txt").write_text(seed, encoding="utf-8")
    shutil.copy(FIXTURES / "generated" / "seed000_liupanshui_2024.docx", tmp_path / "a.docx")
    shutil.copy(FIXTURES / "generated" / "seed000_liupanshui_2024.xlsx", tmp_path / "c.xlsx")
    (tmp_path / "notes.md").write_text("not a table", encoding="utf-8")
    (tmp_path / "~$a.docx").write_bytes(b"lock")
    (tmp_path / ".hidden.txt").write_text(seed, encoding="utf-8")
    sub = tmp_path / "2024"
    sub.mkdir()
    (sub / "d.txt").write_text(seed, encoding="utf-8")
    (sub / "草稿.txt").write_text(seed, encoding="utf-8")
    deep = sub / "archive"
    deep.mkdir()
    (deep / "e.txt").write_text(seed, encoding="utf-8")
    hidden_dir = tmp_path / ".git"
    hidden_dir.mkdir()
    (hidden_dir / "f.txt").write_text(seed, encoding="utf-8")
    return tmp_path


# ---- discovery --------------------------------------------------------------------------------

def test_directory_lists_supported_files_sorted_and_notes_what_it_skips(tree):
    files, notes = discover([str(tree)], BatchOptions())
    assert rel(files, tree) == ["a.docx", "b.txt", "c.xlsx"]
    assert f"跳过 Office 临时文件：{tree / '~$a.docx'}" in notes
    assert f"跳过隐藏文件：{tree / '.hidden.txt'}" in notes
    assert any("子目录未检查" in n and "--recursive" in n for n in notes)  # 2024 (.git is hidden, not counted)
    # Nothing vanishes (issue 16): a file of another type is listed with the reason.
    assert f"跳过 {tree / 'notes.md'}：不是可检查的文件类型（.md）" in notes


def test_recursive_walks_subdirectories_in_order_and_skips_hidden_ones(tree):
    files, notes = discover([str(tree)], BatchOptions(recursive=True))
    assert rel(files, tree) == ["a.docx", "b.txt", "c.xlsx", "2024/d.txt", "2024/草稿.txt", "2024/archive/e.txt"]
    assert f"跳过隐藏目录：{tree / '.git'}" in notes


def test_skip_notes_follow_the_language(tree):
    _, notes = discover([str(tree)], BatchOptions(lang="en"))
    assert f"Skipped an Office temporary file: {tree / '~$a.docx'}" in notes
    assert f"Skipped a hidden file: {tree / '.hidden.txt'}" in notes
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in n.replace(str(tree), "")) for n in notes)


def test_named_files_lock_files_and_hidden_files(tree):
    files, notes = discover([str(tree / "~$a.docx"), str(tree / ".hidden.txt"), str(tree / "notes.md")],
                            BatchOptions())
    # A lock file is skipped even when named (a shell glob names it too); a hidden file or an
    # unknown extension named on purpose is checked.
    assert rel(files, tree) == [".hidden.txt", "notes.md"]
    assert notes == [f"跳过 Office 临时文件：{tree / '~$a.docx'}"]


def test_globs_expand_like_a_listing(tree):
    files, notes = discover([str(tree / "**" / "*.txt")], BatchOptions())
    assert rel(files, tree) == ["2024/archive/e.txt", "2024/d.txt", "2024/草稿.txt", "b.txt"]
    files, _ = discover([str(tree / "*")], BatchOptions())  # directories matched by a glob are listed
    assert rel(files, tree) == ["2024/d.txt", "2024/草稿.txt", "a.docx", "b.txt", "c.xlsx"]
    files, notes = discover([str(tree / "*.pdf")], BatchOptions())
    assert files == [] and notes == [f"没有与 {tree / '*.pdf'} 匹配的文件"]


def test_include_and_exclude(tree):
    opts = BatchOptions(recursive=True, include=["*.txt"], exclude=["草稿*", "archive"])
    files, _ = discover([str(tree)], opts)
    assert rel(files, tree) == ["b.txt", "2024/d.txt"]
    files, _ = discover([str(tree)], BatchOptions(recursive=True, include=["2024/*"]))
    assert rel(files, tree) == ["2024/d.txt", "2024/草稿.txt"]  # `*` stays inside one folder
    files, _ = discover([str(tree)], BatchOptions(recursive=True, include=["2024/**"]))
    assert rel(files, tree) == ["2024/d.txt", "2024/草稿.txt", "2024/archive/e.txt"]
    files, _ = discover([str(tree)], BatchOptions(recursive=True, exclude=["*.DOCX", "2024"]))
    assert rel(files, tree) == ["b.txt", "c.xlsx"]  # case-insensitive; an excluded folder is not entered


def test_one_file_however_it_is_spelled(tree, monkeypatch):
    monkeypatch.chdir(tree)
    os.symlink(tree / "b.txt", tree / "link.txt")
    files, _ = discover(["b.txt", "./b.txt", ".//b.txt", "2024/../b.txt", str(tree / "b.txt"), "link.txt", "."],
                        BatchOptions())
    assert files == ["b.txt", "a.docx", "c.xlsx"]


def test_symlink_loops_end(tree):
    os.symlink(tree, tree / "2024" / "loop")
    files, notes = discover([str(tree)], BatchOptions(recursive=True))
    assert rel(files, tree) == ["a.docx", "b.txt", "c.xlsx", "2024/d.txt", "2024/草稿.txt", "2024/archive/e.txt"]
    assert any("loop" in n for n in notes)


def test_missing_path_and_special_files(tree):
    with pytest.raises(MissingPathError):
        discover([str(tree / "nope.txt")], BatchOptions())
    fifo = tree / "pipe.txt"
    os.mkfifo(fifo)
    files, notes = discover([str(fifo)], BatchOptions())
    assert files == [] and notes == [f"跳过 {fifo}：不是普通文件"]


def test_cli_prints_skip_notes_on_stderr_only(tree):
    proc = run("check", str(tree), "--format", "json", "--fail-on", "never", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert "跳过 Office 临时文件" in proc.stderr and "跳过隐藏文件" in proc.stderr
    doc = json.loads(proc.stdout)
    assert [Path(r["path"]).name for r in doc["results"]] == ["a.docx", "b.txt", "c.xlsx"]
    proc = run("check", str(tree), "--format", "json", "--fail-on", "never", "--lang", "en", "-j", "1")
    assert "Skipped an Office temporary file" in proc.stderr and "跳过" not in proc.stderr


# ---- workers: order, identity, isolation -------------------------------------------------------

def test_json_is_identical_for_one_and_two_workers():
    one = run("check", *ALL_FIXTURES, "--format", "json", "--fail-on", "never", "--workers", "1")
    two = run("check", *ALL_FIXTURES, "--format", "json", "--fail-on", "never", "--workers", "2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    doc = json.loads(one.stdout)
    # every submission file in the fixture folders (their number grows as real tables are added)
    expected = sorted(p.resolve() for d in ALL_FIXTURES for p in (ROOT / d).iterdir()
                      if p.suffix in {".txt", ".docx", ".xlsx", ".xls"})
    assert len(expected) >= 26
    assert sorted((ROOT / r["path"]).resolve() for r in doc["results"]) == expected
    assert all(r["status"] == "checked" for r in doc["results"])
    assert "timings" not in one.stdout  # only with --timings


def test_results_keep_input_order_when_an_early_file_is_slow(monkeypatch):
    files = [str(p) for p in REAL_DOCS]
    monkeypatch.setenv(TEST_HOOK_ENV, f"sleep:{REAL_DOCS[0].name}")
    got = list(iter_results(files, CheckOptions(), BatchOptions(workers=2)))
    assert [r.path for r in got] == files
    assert all(r.status == "checked" for r in got)


def test_reorder_buffer_is_bounded(monkeypatch):
    files = [str(SEED_004)] * 40
    files[0] = str(SEED_000)
    monkeypatch.setenv(TEST_HOOK_ENV, f"sleep:{SEED_000.name}")
    pool = WorkerPool(2, CheckOptions(), 60, [("sleep", SEED_000.name)])
    try:
        got = [r.path for r in pool.run(files)]
    finally:
        pool.close()
    assert got == files
    assert pool.max_buffered <= 8  # 4 files per worker ahead of the slow one, never the whole batch


def test_crashes_hangs_and_exceptions_become_error_results_and_the_batch_completes():
    names = [p.name for p in REAL_DOCS]
    hang, kill, exit_, boom = names[1], names[2], names[3], names[4]
    hook = f"hang:{hang};kill:{kill};exit:{exit_};raise:{boom}"
    proc = run("check", "fixtures/real-docs", "--format", "json", "--workers", "2", "--timeout", "1",
               env={TEST_HOOK_ENV: hook})
    assert proc.returncode == 1, proc.stderr  # an unchecked file is exit 1
    doc = json.loads(proc.stdout)
    results = {Path(r["path"]).name: r for r in doc["results"]}
    assert [Path(r["path"]).name for r in doc["results"]] == names  # files in = results out, in order
    assert results[hang]["status"] == "error" and results[hang]["error"]["code"] == "timeout"
    assert "检查超时" in results[hang]["error"]["message"] and "1 秒" in results[hang]["error"]["message"]
    assert results[kill]["error"]["code"] == "worker_crash" and "SIGKILL" in results[kill]["error"]["message"]
    assert results[exit_]["error"]["code"] == "worker_crash" and "退出码 3" in results[exit_]["error"]["message"]
    assert results[boom]["error"]["code"] == "internal" and "RuntimeError" in results[boom]["error"]["message"]
    clean = json.loads(run("check", "fixtures/real-docs", "--format", "json", "--fail-on", "never",
                           "--workers", "1").stdout)
    for expected in clean["results"]:
        name = Path(expected["path"]).name
        if name not in (hang, kill, exit_, boom):
            assert results[name] == expected  # the replaced workers check the rest exactly the same


def test_english_messages_for_worker_failures():
    names = [p.name for p in REAL_DOCS]
    proc = run("check", "fixtures/real-docs", "--format", "json", "--workers", "2", "--timeout", "1", "--lang", "en",
               env={TEST_HOOK_ENV: f"hang:{names[0]};kill:{names[1]}"})
    results = json.loads(proc.stdout)["results"]
    assert results[0]["error"]["message"].startswith("Timed out")
    assert "died" in results[1]["error"]["message"] and "SIGKILL" in results[1]["error"]["message"]
    assert len(results) == len(names)


def test_in_process_timeout(monkeypatch):
    files = [str(SEED_000), str(SEED_004)]
    monkeypatch.setenv(TEST_HOOK_ENV, f"hang:{SEED_000.name}")
    got = list(iter_results(files, CheckOptions(), BatchOptions(workers=1, timeout=1)))
    assert [r.path for r in got] == files
    assert got[0].status == "error" and got[0].error.code == "timeout"
    assert got[1].status == "checked" and got[1].findings


def test_timeout_from_config_and_bad_values(tmp_path):
    (tmp_path / "jixiao.toml").write_text("[limits]\ntimeout = 1\n", encoding="utf-8")
    shutil.copy(SEED_000, tmp_path / "a.txt")
    shutil.copy(SEED_004, tmp_path / "b.txt")
    proc = run("check", str(tmp_path), "--format", "json", "-j", "2", env={TEST_HOOK_ENV: "hang:a.txt"}, cwd=tmp_path)
    assert json.loads(proc.stdout)["results"][0]["error"]["code"] == "timeout"
    (tmp_path / "jixiao.toml").write_text("[limits]\ntimeout = \"slow\"\n", encoding="utf-8")
    proc = run("check", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2 and "limits.timeout" in proc.stderr
    assert run("check", str(SEED_000), "--workers", "0").returncode == 2
    assert run("check", str(SEED_000), "--timeout", "-1").returncode == 2


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    proc = run("check", str(SEED_000), str(SEED_004), "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0 and proc.stderr == ""


def test_progress_bar_draws_on_a_terminal_stderr():
    from rich.console import Console

    import checker.cli as cli

    console_cls = cli.Console
    stream = __import__("io").StringIO()
    try:
        cli.Console = lambda stderr=False, **kw: Console(file=stream, force_terminal=True, width=100)
        with cli._progress(3, "zh", True) as advance:
            for _ in range(3):
                advance()
    finally:
        cli.Console = console_cls
    assert "3/3" in stream.getvalue() and "检查" in stream.getvalue()


# ---- timings ----------------------------------------------------------------------------------

def test_check_file_times_every_stage():
    result = check_file(str(SEED_004))
    assert list(result.timings) == ["read", "extract", "facts", "engine", "grading"]
    assert all(isinstance(v, float) and v >= 0 for v in result.timings.values())


def test_json_timings_only_with_the_option():
    plain = json.loads(run("check", str(SEED_004), "--format", "json", "--fail-on", "never").stdout)
    timed = json.loads(run("check", str(SEED_004), "--format", "json", "--fail-on", "never", "--timings").stdout)
    assert "timings" not in plain["results"][0]
    assert set(timed["results"][0]["timings"]) >= {"read", "extract", "facts", "engine", "grading"}


def test_a_batch_whose_workers_cannot_start_is_checked_in_this_process(monkeypatch, capsys):
    import multiprocessing

    import checker.batch as batch

    class NoProcesses:
        def Pipe(self, duplex=True):
            return multiprocessing.Pipe(duplex)

        def Process(self, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(batch, "_context", lambda: NoProcesses())
    files = [str(SEED_000), str(SEED_004)]
    got = list(iter_results(files, CheckOptions(), BatchOptions(workers=2)))
    assert [r.path for r in got] == files and all(r.status == "checked" for r in got)
    assert "无法启动工作进程" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_reports_are_the_same_run_to_run_unless_timings_are_asked_for(tmp_path, fmt):
    outputs = []
    for i in range(2):
        out = tmp_path / f"{i}.{fmt}"
        assert run("check", str(SEED_000), str(SEED_004), "-f", fmt, "-o", out, "--fail-on", "never").returncode == 0
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]


def test_input_limits_from_config_reach_every_worker(tmp_path):
    """[limits] overrides the reader bounds (here rows per document) in the workers too; an
    unknown key or a bad value is a configuration error (exit 2) naming it."""
    (tmp_path / "jixiao.toml").write_text("[limits]\nmax_rows = 5\n", encoding="utf-8")
    shutil.copy(SEED_000, tmp_path / "a.txt")
    shutil.copy(SEED_004, tmp_path / "b.txt")
    for workers in ("1", "2"):
        proc = run("check", str(tmp_path), "--format", "json", "-j", workers, cwd=tmp_path)
        results = json.loads(proc.stdout)["results"]
        assert [r["status"] for r in results] == ["error", "error"], workers
        assert all("超过 5 行" in r["error"]["message"] for r in results)
        assert proc.returncode == 1
    (tmp_path / "jixiao.toml").write_text("[limits]\nmax_rows = 100000\n", encoding="utf-8")
    proc = run("check", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert [r["status"] for r in json.loads(proc.stdout)["results"]] == ["checked", "checked"]
    (tmp_path / "jixiao.toml").write_text("[limits]\nmax_rowz = 5\n", encoding="utf-8")
    proc = run("check", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2 and "max_rowz" in proc.stderr and "max_rows" in proc.stderr
    (tmp_path / "jixiao.toml").write_text("[limits]\nmax_rows = -1\n", encoding="utf-8")
    proc = run("check", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2 and "limits.max_rows" in proc.stderr
