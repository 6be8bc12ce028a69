"""The red team's attacks (docs/reviews/red-team.md, F1-F24; issue 15), each as a regression test.

Every input is generated here. A submitter controls files, their names, folders and archives;
the operator controls the working directory, --config, --rules and the cache. Each test states
what a submitter (or a planted file) must not be able to do, and what the reviewer gets instead.
No test asserts the machine's speed: where a time matters, a limit far above the normal cost and
far below the attack's measured cost is asserted (the mechanism, not the speed).
"""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEED_000, SEED_004

GENERATED = ROOT / "fixtures" / "generated"
DOCX = GENERATED / "seed000_liupanshui_2024.docx"
XLSX = GENERATED / "seed000_liupanshui_2024.xlsx"
TXT_004 = GENERATED / "seed004_shifeng_2023.txt"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def cli(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120,
        input_bytes: bool = False) -> subprocess.CompletedProcess:
    """`python -m checker ARGS` from `cwd`; never a traceback."""
    full_env = {k: v for k, v in os.environ.items() if k != "JIXIAO_TEST_WORKER_HOOK"}
    full_env.update({"COLUMNS": "120", "PYTHONUTF8": "1", **(env or {})})
    proc = subprocess.run([sys.executable, "-m", "checker", *map(os.fsdecode, args)], capture_output=True,
                          cwd=cwd, env=full_env, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    return proc


def out(proc) -> str:
    return proc.stdout.decode("utf-8")


def err(proc) -> str:
    return proc.stderr.decode("utf-8", "replace")


def rebuild(src: bytes, replace: dict[str, bytes] | None = None, add: list[tuple[str, bytes]] | None = None) -> bytes:
    zin, buf = zipfile.ZipFile(io.BytesIO(src)), io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info.filename)))
        for name, blob in add or []:
            z.writestr(name, blob)
    return buf.getvalue()


def member(src: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(src)).read(name)


def grades(doc: dict) -> dict[str, tuple]:
    return {Path(r["path"]).name: (r["status"], r["grade"], r["score"], len(r["findings"])) for r in doc["results"]}


# ---- F1: configuration is the operator's, never the submitter's ------------------------------------


def _two_units(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    (inbox / "unitA").mkdir(parents=True)
    (inbox / "unitB").mkdir()
    (inbox / "unitA" / "a.txt").write_bytes(SEED_000.read_bytes())
    (inbox / "unitB" / "b.txt").write_bytes(TXT_004.read_bytes())
    return inbox


def test_a_planted_config_in_a_submission_folder_changes_nothing(tmp_path):
    inbox = _two_units(tmp_path)
    work = tmp_path / "reviewer"
    work.mkdir()
    args = ("check", inbox / "unitA", inbox / "unitB", "--format", "json", "-q", "--fail-on", "never")
    clean = json.loads(out(cli(*args, cwd=work)))
    (inbox / "unitA" / "jixiao.toml").write_text(
        'ignore = ["A", "S", "Q", "C", "T", "K"]\n[limits]\ntimeout = 1\nmax_file_bytes = 2000000000\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.jixiao]\nignore = ["A", "S", "Q", "C", "T", "K"]\n',
                                             encoding="utf-8")
    planted = json.loads(out(cli(*args, cwd=work)))
    assert grades(planted) == grades(clean)
    assert all(r["findings"] for r in planted["results"])  # the rules still ran
    assert planted["tool"]["config"] is None  # no config: the built-in defaults, and the report says so
    assert planted["tool"]["rule_dirs"] == [str(ROOT / "rules")]


def test_the_working_directorys_config_applies_and_every_report_names_it(tmp_path):
    work = tmp_path / "reviewer"
    work.mkdir()
    (work / "jixiao.toml").write_text('ignore = ["Q"]\n', encoding="utf-8")
    doc = json.loads(out(cli("check", SEED_000, "--format", "json", "-q", "--fail-on", "never", cwd=work)))
    assert doc["tool"]["config"] == str(work / "jixiao.toml")
    assert not any(f["rule"].startswith("Q") for f in doc["results"][0]["findings"])
    from checker.report.markdown import md

    for fmt in ("table", "markdown", "html"):
        text = out(cli("check", SEED_000, "--format", fmt, "-q", "--fail-on", "never", cwd=work))
        shown = md(str(work / "jixiao.toml")) if fmt == "markdown" else str(work / "jixiao.toml")
        assert "配置文件" in text and shown in text and "规则目录" in text, fmt
    from openpyxl import load_workbook

    cli("check", SEED_000, "--format", "xlsx", "-o", tmp_path / "r.xlsx", "-q", "--fail-on", "never", cwd=work)
    wb = load_workbook(tmp_path / "r.xlsx")
    cells = [str(c) for row in wb.worksheets[-1].iter_rows(values_only=True) for c in row if c]
    assert "配置文件" in cells and str(work / "jixiao.toml") in cells


def test_a_config_nested_too_deeply_is_a_usage_error(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    proc = cli("check", SEED_000, "--config", deep, "-q")
    assert proc.returncode == 2 and "配置错误" in err(proc)


# ---- F5: the rules cache is data, never code ---------------------------------------------------------


class _Planted:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_planted_in_the_rules_cache_never_runs(tmp_path):
    cache = tmp_path / "cache"
    env = {"JIXIAO_CACHE_DIR": str(cache)}
    first = json.loads(out(cli("check", SEED_000, "-f", "json", "-q", "--fail-on", "never", env=env)))
    entries = list(cache.glob("rules-*"))
    assert entries and all(e.suffix == ".json" for e in entries)
    json.loads(entries[0].read_text(encoding="utf-8"))  # plain JSON data
    marker = tmp_path / "PWNED"
    for entry in entries:
        entry.write_bytes(pickle.dumps(_Planted(str(marker))))
        (entry.with_suffix(".pickle")).write_bytes(pickle.dumps(_Planted(str(marker))))
    again = json.loads(out(cli("check", SEED_000, "-f", "json", "-q", "--fail-on", "never", env=env)))
    assert not marker.exists()
    assert grades(again) == grades(first)
    assert not list(cache.glob("rules-*.pickle"))  # old-format entries are removed, never read


def test_a_tampered_cache_entry_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    from checker import rulebook
    from checker.config import Config

    monkeypatch.setenv(rulebook.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    built = rulebook.load_rulebook(Config())
    (entry,) = tmp_path.glob("rules-*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    body = json.loads(stored["body"])
    body["active"] = body["active"][:1]  # a planted entry that switches every rule but one off
    stored["body"] = json.dumps(body, ensure_ascii=False)
    entry.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    assert [r.id for r in rulebook.load_rulebook(Config()).rules] == [r.id for r in built.rules]
    # ... and even with a matching digest, a fingerprint that is not the rules' own is refused.
    stored["sha256"] = __import__("hashlib").sha256(stored["body"].encode("utf-8")).hexdigest()
    entry.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    assert [r.id for r in rulebook.load_rulebook(Config()).rules] == [r.id for r in built.rules]


# ---- F2, F3, F15: reports survive any value and any name; written whole or not at all ---------------


def _huge_total_dir(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    seed = SEED_000.read_text(encoding="utf-8")
    (d / "a_clean.txt").write_text(seed, encoding="utf-8")
    (d / "b_huge_total.txt").write_text(seed.replace("650.17", "1" + "0" * 30, 1), encoding="utf-8")
    return d


@pytest.mark.parametrize("fmt", ["json", "xlsx", "html"])
def test_a_huge_amount_is_a_clear_error_and_the_batch_report_is_whole(tmp_path, fmt):
    d = _huge_total_dir(tmp_path)
    report = tmp_path / f"report.{fmt}"
    proc = cli("check", d, "--format", fmt, "-o", report, "-q")
    assert proc.returncode == 1 and report.exists()
    if fmt == "json":
        doc = json.loads(report.read_text(encoding="utf-8"))
        by = {Path(r["path"]).name: r for r in doc["results"]}
        assert by["a_clean.txt"]["status"] == "checked"
        assert by["b_huge_total.txt"]["error"]["code"] == "out_of_range"


def test_json_and_yaml_numbers_beyond_range_are_clear_errors(tmp_path):
    from checker.pipeline import check_file

    base = json.loads(out(cli("parse", SEED_000, "-f", "json")))
    cases = {}
    huge = json.dumps(base).replace('"amount": "650.17"', '"amount": 1e400', 1)
    assert "1e400" in huge
    cases["amount_1e400.json"] = huge
    cases["amount_str.json"] = json.dumps(base).replace('"amount": "650.17"', '"amount": "1e999999999"', 1)
    cases["year_digits.json"] = json.dumps(base).replace('"year": 2024', '"year": ' + "9" * 5000, 1)
    cases["year_digits.yaml"] = "schema_version: 1\nforms: []\nyear: " + "9" * 100_001 + "\n"
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = check_file(str(tmp_path / name))
        assert result.status == "error" and result.error.code != "internal", (name, result.error)


def test_writers_survive_values_the_model_can_hold():
    """1e30 万元, NaN and infinite scores, a path that is not UTF-8: every format renders."""
    from decimal import Decimal

    from checker.model import Result
    from checker.pipeline import load_submission
    from checker.report import FORMATS, render

    sub = load_submission(str(SEED_000))
    sub.forms[0].total.amount = Decimal("1E+30")
    bad_name = os.fsdecode("绩效目标表.txt".encode("gbk"))
    results = [Result(path=bad_name, status="checked", submission=sub, score=float("nan"),
                      dimensions={"完整性": float("inf")})]
    for fmt in FORMATS:
        rendered = render(results, fmt)
        text = rendered if isinstance(rendered, str) else rendered.decode("latin-1")
        if isinstance(rendered, str):
            rendered.encode("utf-8")  # no lone surrogate left
            assert "xbc" in text and "xa8" in text  # the undecodable bytes, shown as escapes (\xbc\xa8)
        if fmt == "json":
            doc = json.loads(rendered)
            assert doc["results"][0]["forms"][0]["total_wan"].startswith("1000000000000000000000000000000")


def test_a_file_name_that_is_not_utf8_never_breaks_a_report(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    gbk = os.path.join(os.fsencode(d), "绩效目标表.txt".encode("gbk"))
    with open(gbk, "wb") as fh:
        fh.write(SEED_000.read_bytes())
    (d / "ok.txt").write_bytes(SEED_000.read_bytes())
    for fmt in ("table", "json", "markdown", "html", "xlsx"):
        report = tmp_path / f"report.{fmt}"
        proc = cli("check", d, "--format", fmt, "-o", report, "-q", "--fail-on", "never")
        assert proc.returncode == 0, (fmt, err(proc))
        data = report.read_bytes()
        if fmt != "xlsx":
            text = data.decode("utf-8")  # strictly UTF-8
            assert "xbc" in text and "xa8" in text, fmt  # the undecodable bytes as escapes (\xbc\xa8)
        if fmt == "json":
            assert len(json.loads(data)["results"]) == 2


def test_a_report_that_cannot_be_written_keeps_the_previous_one_and_exits_3(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from checker.cli import app
    from checker.report import json_report

    report = tmp_path / "report.json"
    report.write_text("previous report", encoding="utf-8")

    def full_disk(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_report.JsonReporter, "finish", full_disk)
    result = CliRunner().invoke(app, ["check", str(SEED_000), "-f", "json", "-o", str(report), "-q"])
    assert result.exit_code == 3, result.output
    assert report.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no partial file left


def test_an_output_location_that_cannot_be_written_is_a_usage_error_before_checking(tmp_path):
    proc = cli("check", SEED_000, "-f", "json", "-o", tmp_path / "missing-dir" / "r.json", "-q")
    assert proc.returncode == 2 and "无法写入报告文件" in err(proc)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_workers_and_leaves_a_report_marked_incomplete(tmp_path, signum, code):
    d = tmp_path / "in"
    d.mkdir()
    for name in ("a.txt", "b_hang.txt", "c.txt", "d.txt"):
        (d / name).write_bytes(SEED_000.read_bytes())
    report = tmp_path / "r.json"
    report.write_text("previous", encoding="utf-8")
    env = {**os.environ, "PYTHONUTF8": "1", "JIXIAO_TEST_WORKER_HOOK": "hang:b_hang"}
    proc = subprocess.Popen([sys.executable, "-m", "checker", "check", str(d), "-j", "2", "-f", "json", "-o",
                             str(report), "-q", "--timeout", "600"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 3:  # fork server + 2 workers
            time.sleep(0.3)
            workers = _descendants(proc.pid)
        assert len(workers) >= 3, workers
        time.sleep(3)  # the other files get checked while b_hang.txt hangs
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in stderr
    deadline = time.monotonic() + 30  # generous: the mechanism, not the speed
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers), "workers or the fork server outlived the CLI"
    doc = json.loads(report.read_text(encoding="utf-8"))  # whole, valid JSON, not the previous report
    assert doc["summary"]["incomplete"] is True and doc["summary"]["incomplete_reason"]
    assert [Path(r["path"]).name for r in doc["results"]] == ["a.txt"]  # in order: b_hang never finished
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "r.json"]


# ---- F7, F8, F24: one guard on every input path ------------------------------------------------------


def _linked_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    a, b, outside = inbox / "unitA", inbox / "unitB", tmp_path / "outside"
    for p in (a, b, outside):
        p.mkdir(parents=True)
    seed = SEED_000.read_text(encoding="utf-8")
    (b / "unitB.txt").write_text(seed.replace("六盘水市科学技术协会", "单位B"), encoding="utf-8")
    (outside / "private.txt").write_text(seed.replace("六盘水市科学技术协会", "OUTSIDE-PRIVATE"), encoding="utf-8")
    os.symlink("../unitB/unitB.txt", a / "unitA.txt")
    os.symlink(outside / "private.txt", a / "notes.txt")
    os.symlink(outside, inbox / "more")
    return inbox


def test_symbolic_links_among_the_inputs_are_skipped_with_a_note(tmp_path):
    inbox = _linked_inbox(tmp_path)
    proc = cli("check", inbox, "-r", "--format", "json", "-q", "--fail-on", "never")
    doc = json.loads(out(proc))
    assert [os.path.relpath(r["path"], inbox) for r in doc["results"]] == ["unitB/unitB.txt"]
    assert "OUTSIDE-PRIVATE" not in out(proc)
    skipped = "\n".join(doc["summary"]["skipped"])
    for name in ("unitA.txt", "notes.txt", "more"):
        assert name in skipped and "--follow-links" in skipped
    # named on the command line (as a shell glob would), a link is skipped too
    proc = cli("check", inbox / "unitA" / "unitA.txt", "--format", "json", "-q")
    assert proc.returncode == 1 and "符号链接" in err(proc) and json.loads(out(proc))["results"] == []


def test_follow_links_reads_them_and_reports_a_file_reached_twice(tmp_path):
    inbox = _linked_inbox(tmp_path)
    doc = json.loads(out(cli("check", inbox, "-r", "--follow-links", "--format", "json", "-q", "--fail-on", "never")))
    names = [os.path.relpath(r["path"], inbox) for r in doc["results"]]
    assert "unitA/unitA.txt" in names and "unitB/unitB.txt" not in names  # one file, checked once ...
    assert any("unitB.txt" in n and "同一个文件" in n for n in doc["summary"]["skipped"])  # ... and said so


def test_output_naming_an_input_is_refused_before_anything_is_written(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_bytes(SEED_000.read_bytes())
    before = (d / "a.txt").read_bytes()
    for target in (d / "a.txt", d / "report.json"):
        proc = cli("check", d, "--format", "json", "-o", target, "-q")
        assert proc.returncode == 2 and "--output" in err(proc)
    proc = cli("check", d, "--annotate", d / "copies", "-q")
    assert proc.returncode == 2 and "--annotate" in err(proc)
    assert (d / "a.txt").read_bytes() == before and sorted(p.name for p in d.iterdir()) == ["a.txt"]


def test_a_glob_that_matches_nothing_is_not_a_pass(tmp_path):
    proc = cli("check", str(tmp_path / "inbox" / "*.docx"), "-f", "json", "-q", "--fail-on", "never")
    assert proc.returncode == 1 and "没有与" in err(proc)
    doc = json.loads(out(proc))
    assert doc["results"] == [] and doc["summary"]["skipped"]


def test_annotated_copies_of_inputs_named_alike_are_told_apart(tmp_path):
    for unit in ("a", "b"):
        (tmp_path / "in" / unit).mkdir(parents=True)
        (tmp_path / "in" / unit / "x.xlsx").write_bytes(XLSX.read_bytes())
    doc = json.loads(out(cli("check", tmp_path / "in", "-r", "-f", "json", "-q", "--fail-on", "never",
                             "--annotate", tmp_path / "copies", "-j", "2")))
    copies = {os.path.relpath(r["path"], tmp_path / "in"): Path(r["annotated_copy"]).name for r in doc["results"]}
    assert copies == {"a/x.xlsx": "x_标注.xlsx", "b/x.xlsx": "x_标注-2.xlsx"}
    assert sorted(p.name for p in (tmp_path / "copies").iterdir()) == ["x_标注-2.xlsx", "x_标注.xlsx"]


# ---- F4, F6, F12, F18, F23: resources within the limits ---------------------------------------------


def _with_merge(ref: bytes) -> bytes:
    src = XLSX.read_bytes()
    sheet = member(src, "xl/worksheets/sheet1.xml")
    if b"<mergeCells" in sheet:
        sheet = re.sub(rb'<mergeCells count="(\d+)">',
                       lambda m: b'<mergeCells count="%d"><mergeCell ref="%s"/>' % (int(m.group(1)) + 1, ref),
                       sheet, count=1)
    else:
        sheet = sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="%s"/></mergeCells>'
                              % ref, 1)
    return rebuild(src, {"xl/worksheets/sheet1.xml": sheet})


@pytest.mark.parametrize("ref", [b"$A$200:$XFD$1048576", b"$A$200:$T$100199", b"xfd1048576:a200"])
def test_merged_ranges_count_however_they_are_written(tmp_path, ref):
    from checker.pipeline import check_file

    path = tmp_path / "merged.xlsx"
    path.write_bytes(_with_merge(ref))
    result = check_file(str(path))
    assert result.status == "error" and result.error.code == "too_large", result.error
    assert "合并单元格" in result.error.message


GENEROUS = 30.0  # seconds: each attack below took 50 s to minutes; the fixed code takes well under one


def _guarded(path: Path):
    from checker.batch import _check_guarded
    from checker.pipeline import CheckOptions

    return _check_guarded(str(path), CheckOptions(), GENEROUS, [])


def test_inputs_that_made_regexes_quadratic_are_read_within_the_timeout(tmp_path):
    src = XLSX.read_bytes()
    (tmp_path / "prescan_f.xlsx").write_bytes(rebuild(src, add=[("customXml/item1.xml", b"<f " * 330_000)]))
    (tmp_path / "prescan_merge.xlsx").write_bytes(rebuild(src, add=[("customXml/item1.xml", b"<mergeCell " * 100_000)]))
    (tmp_path / "artefact.txt").write_text("[link:" * 100_000, encoding="utf-8")
    seed = SEED_000.read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(seed) if line.count("\t") >= 4 and "指标" not in line.split("\t")[4])
    for name, filler in (("digits.txt", "1" * 32_000), ("cjk.txt", "汉" * 32_000), ("fanying.txt", "反映" * 16_000)):
        cells = seed[row].split("\t")
        cells[4] = filler
        (tmp_path / name).write_text("\n".join(seed[:row] + ["\t".join(cells)] + seed[row + 1:] + [filler]),
                                     encoding="utf-8")
    for path in sorted(tmp_path.iterdir()):
        result = _guarded(path)
        assert not (result.status == "error" and result.error.code in ("timeout", "internal")), (path.name, result.error)


def test_json_input_obeys_the_reader_limits(tmp_path):
    from checker.pipeline import check_file

    base = json.loads(out(cli("parse", SEED_000, "-f", "json")))
    form = base["forms"][0]
    many = dict(base, forms=[dict(form, indicators=[dict(form["indicators"][0], name=f"指标{i}")
                                                    for i in range(30_000)])])
    (tmp_path / "indicators.json").write_text(json.dumps(many, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "forms.json").write_text(json.dumps(dict(base, forms=[form] * 1200), ensure_ascii=False),
                                         encoding="utf-8")
    (tmp_path / "string.json").write_text(json.dumps(dict(base, source="x" * 6_000_000)), encoding="utf-8")
    for name in ("indicators.json", "forms.json", "string.json"):
        result = check_file(str(tmp_path / name))
        assert result.status == "error" and result.error.code == "too_large", (name, result.error)


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "0", "-1", "86401"])
def test_timeout_must_be_a_sane_number_of_seconds(value):
    proc = cli("check", SEED_000, "--timeout", value, "-q")
    assert proc.returncode == 2 and "--timeout" in err(proc)


def test_timeout_nan_in_the_config_is_a_usage_error(tmp_path):
    (tmp_path / "jixiao.toml").write_text("[limits]\ntimeout = nan\n", encoding="utf-8")
    proc = cli("check", SEED_000, "-q", cwd=tmp_path)
    assert proc.returncode == 2 and "limits.timeout" in err(proc)


def test_workers_are_capped():
    from checker.batch import BatchOptions, default_workers, worker_count

    assert worker_count(BatchOptions(workers=10_000), 10_000) == 2 * default_workers()
    proc = cli("check", SEED_000, SEED_004, "-j", "10000", "-f", "json", "-q", "--fail-on", "never")
    assert proc.returncode == 0 and "超过上限" in err(proc)
    assert len(json.loads(out(proc))["results"]) == 2


def test_parse_runs_in_a_worker_under_the_timeout():
    proc = cli("parse", SEED_000, "--timeout", "1", env={"JIXIAO_TEST_WORKER_HOOK": f"hang:{SEED_000.name}"})
    assert proc.returncode == 1 and "检查超时" in err(proc)
    proc = cli("parse", SEED_000, "-f", "json")
    assert proc.returncode == 0 and json.loads(out(proc))["forms"]


def test_annotation_runs_under_the_timeout_and_leaves_no_partial_copy(tmp_path, monkeypatch):
    """--annotate works in the file's worker, inside its time limit: a copy that takes too long
    makes the file a timeout result, with no half-written copy left."""
    from checker import batch
    from checker.pipeline import CheckOptions
    from checker.report import annotate

    def slow(*args, **kwargs):
        time.sleep(3600)

    monkeypatch.setattr(annotate, "_annotate_xlsx", slow)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "t.xlsx").write_bytes(XLSX.read_bytes())
    opts = batch.BatchOptions(workers=1, timeout=1, annotate=str(tmp_path / "copies"))
    [result] = list(batch.iter_results([str(tmp_path / "in" / "t.xlsx")], CheckOptions(), opts))
    assert result.status == "error" and result.error.code == "timeout"
    assert not (tmp_path / "copies").exists() or not list((tmp_path / "copies").iterdir())


# ---- F10, F19: what is graded is what Word and Excel show ------------------------------------------


def _cloaked_docx() -> bytes:
    src = DOCX.read_bytes()
    doc = member(src, "word/document.xml").decode()
    doc = re.sub(r"<w:r>", "<w:r><w:rPr><w:vanish/></w:rPr>", doc)
    doc = re.sub(r"<w:r><w:rPr>(?!<w:vanish/>)", "<w:r><w:rPr><w:vanish/>", doc)
    doc = doc.replace("<w:sectPr", f'<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                                   f'relationships" r:id="rIdAlt"/><w:sectPr', 1)
    return rebuild(src, {"word/document.xml": doc.encode()})


def test_hidden_word_text_is_not_graded_and_altchunks_are_noted(tmp_path):
    from checker.pipeline import check_file

    path = tmp_path / "cloaked.docx"
    path.write_bytes(_cloaked_docx())
    result = check_file(str(path))
    forms = result.submission.forms if result.submission else []
    assert not any(f.unit_name and "六盘水" in f.unit_name.value for f in forms)  # the hidden table is not read
    notes = "\n".join(result.submission.notes if result.submission else [])
    assert "隐藏文字" in notes and "altChunk" in notes


def test_hidden_sheets_rows_and_columns_are_left_out_with_a_note(tmp_path):
    from checker.readers import read_document

    src = XLSX.read_bytes()
    wb = member(src, "xl/workbook.xml")
    first = re.search(rb"<sheet [^>]*>", wb).group(0)
    hidden = re.sub(rb' state="[^"]*"', b"", first).replace(b"<sheet ", b'<sheet state="veryHidden" ')
    hidden_sheet = rebuild(src, {"xl/workbook.xml": wb.replace(first, hidden, 1)})
    (tmp_path / "hidden_sheet.xlsx").write_bytes(hidden_sheet)
    name = re.search(rb'name="([^"]+)"', first).group(1).decode()

    def shown(doc) -> list[str]:
        return [c.text for row in doc.rows for c in row.cells if c.text and c.loc.sheet == name]

    doc = read_document(str(tmp_path / "hidden_sheet.xlsx"))
    assert not shown(doc) and any("隐藏的工作表" in n and name in n for n in doc.notes)
    sheet = member(src, "xl/worksheets/sheet1.xml")
    rows_hidden = re.sub(rb"<row ([^>]*?)(?: hidden=\"[^\"]*\")?", rb'<row hidden="1" \1', sheet)
    (tmp_path / "hidden_rows.xlsx").write_bytes(rebuild(src, {"xl/worksheets/sheet1.xml": rows_hidden}))
    doc = read_document(str(tmp_path / "hidden_rows.xlsx"))
    assert not shown(doc) and any("隐藏的行或列" in n for n in doc.notes)
    clean = read_document(str(XLSX))
    assert not any("隐藏" in n for n in clean.notes) and len(shown(clean)) > 50


def test_duplicate_zip_entries_refuse_the_file_as_damaged(tmp_path):
    from checker.pipeline import check_file

    src = DOCX.read_bytes()
    other = member(src, "word/document.xml").replace("六盘水市科学技术协会".encode(), "另一个单位".encode())
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate name while writing it
        data = rebuild(src, add=[("word/document.xml", other)])
    (tmp_path / "dup.docx").write_bytes(data)
    result = check_file(str(tmp_path / "dup.docx"))
    assert result.status == "error" and result.error.code == "corrupt_docx"


def test_a_utf32_part_never_reaches_a_parser(tmp_path):
    from checker.pipeline import check_file

    src = DOCX.read_bytes()
    doc = member(src, "word/document.xml").decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-32"')
    doc = doc.replace("<w:document", '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]><w:document', 1)
    (tmp_path / "utf32.docx").write_bytes(rebuild(src, {"word/document.xml": doc.encode("utf-32-le")}))
    result = check_file(str(tmp_path / "utf32.docx"))
    assert result.status == "error" and result.error.code in ("xml_encoding", "xml_entities"), result.error


# ---- F11, F13, F21: rule files are checked before any file is read -----------------------------------


RULE = """\
family: X
rules:
  - id: X01
    severity: warning
    dimension: 完整性
    title: {{zh: "测试", en: "test"}}
    message: {{zh: "{message}", en: "x"}}
    fix: {{zh: "无", en: "none"}}
    basis: {{zh: "无", en: "none"}}
    when:
      m: {{$and: [{{kind: indicator}}{extra}]}}
"""


@pytest.mark.parametrize("message, extra, fragment", [
    ("{name}", ', {$mt: {name: "((a*)*)*b"}}', "nested quantifiers"),
    ("{name}", ', {$mt: {name: "(x+x+)+y"}}', "nested quantifiers"),
    ("{name}", ', {$mt: {name: ".{1000}"}}', "repetition"),
    ("{m.name:>400000000}", "", "templates allow"),
    ("{m.__class__.__init__.__globals__}", "", "plain field name"),
    ("{m.name!r}", "", "templates allow"),
])
def test_a_dangerous_rule_is_a_usage_error_before_any_file_is_read(tmp_path, message, extra, fragment):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text(RULE.format(message=message, extra=extra), encoding="utf-8")
    proc = cli("check", SEED_000, "--rules", rules, "-j", "1", "-q", timeout=60)
    assert proc.returncode == 2 and fragment in err(proc), err(proc)


def test_a_rule_durable_rules_cannot_compile_is_a_usage_error(tmp_path, monkeypatch):
    """Whatever the pattern checks miss, the rule set is compiled once in a child process with a
    time limit: a compiler that fails, or never returns, is exit 2, not a hang."""
    from checker import batch
    from checker.config import Config

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text(RULE.format(message="{name}", extra=""), encoding="utf-8")
    assert batch.probe_rules(Config(rule_dirs=[rules]), 60) is None
    monkeypatch.setattr(batch, "_probe_main", _hang_probe)
    assert "not compiled within" in batch.probe_rules(Config(rule_dirs=[rules]), 1)


def _hang_probe(conn, config):
    time.sleep(3600)


# ---- F14, F16: nothing from a name reaches the terminal raw ----------------------------------------


def test_escape_sequences_in_names_are_shown_escaped(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / ".x\x1b]52;c;cm0gLXJmIH4K\x1b\\\x1b]0;HACKED\x1b\\\x1b[2J.txt").write_bytes(SEED_000.read_bytes())
    (d / "ok.txt").write_bytes(SEED_000.read_bytes())
    proc = cli("check", d, "-f", "json", "-q", "--fail-on", "never")
    assert b"\x1b" not in proc.stderr and "\\x1b]52" in err(proc)
    part = "customXml/\x1b[2J\x1b]0;PWNED\x1b\\[/bold][link=https://evil.example]x[/link].xml"
    broken = rebuild(DOCX.read_bytes(), add=[(part, b'<!DOCTYPE x [<!ENTITY a "b">]><x/>')])
    (tmp_path / "member.docx").write_bytes(broken)
    proc = cli("parse", tmp_path / "member.docx")
    assert proc.returncode == 1 and b"\x1b" not in proc.stderr and "[/bold]" in err(proc)


@pytest.mark.parametrize("args", [
    ("check", str(SEED_000), "--config", "x[/bold].toml"),
    ("check", str(SEED_000), "--rules", "d[/]"),
    ("check", str(SEED_000), "--baseline", "b[/red]"),
    ("explain", "[/bold]"),
])
def test_rich_markup_in_arguments_is_text(args):
    proc = cli(*args)
    assert proc.returncode == 2 and "[/" in err(proc)


def test_a_template_naming_a_missing_field_is_a_usage_error(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text(RULE.format(message="{m.no_such_field}", extra=""), encoding="utf-8")
    proc = cli("check", SEED_000, "--rules", rules, "-q", timeout=120)
    assert proc.returncode == 2 and "no_such_field" in err(proc)


def test_markdown_breaks_mentions_references_and_autolinks():
    from checker.report.markdown import md

    text = md("@all 见 #1 http://evil.example/ www.evil.example")
    assert "@" not in text and "#" not in text.replace("&#", "") and "://" not in text and "www." not in text


def test_a_bidi_override_in_a_sheet_name_is_shown_escaped(tmp_path):
    from checker.pipeline import check_file
    from checker.report import render

    src = XLSX.read_bytes()
    wb = member(src, "xl/workbook.xml").decode()
    name = re.search(r'<sheet [^>]*name="([^"]+)"', wb).group(1)
    (tmp_path / "rlo.xlsx").write_bytes(rebuild(src, {"xl/workbook.xml": wb.replace(
        f'name="{name}"', f'name="\u202e{name}"', 1).encode()}))
    result = check_file(str(tmp_path / "rlo.xlsx"))
    assert result.status == "checked" and result.findings
    for fmt in ("table", "markdown", "json", "html"):
        text = render([result], fmt)
        assert "\u202e" not in text, fmt

