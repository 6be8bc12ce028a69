"""Batch benchmark over a generated corpus (benchmarks/make_corpus.py), measured through the CLI.

    .venv/bin/python benchmarks/make_corpus.py -n 500 -o /tmp/jixiao-corpus-500
    .venv/bin/python benchmarks/bench_batch.py /tmp/jixiao-corpus-500 --md /tmp/bench-batch.md
    .venv/bin/python benchmarks/bench_batch.py /tmp/jixiao-corpus-500 --rss-corpus /tmp/jixiao-corpus-5000

What is measured (every figure on the same files):

- end to end: `jixiao check DIR --workers 2 --quiet --format json -o OUT --timings` in a
  subprocess, wall time -> files/s; peak RSS of the whole process tree (the CLI, its pool and
  worker processes), sampled from /proc/<pid>/status every 0.1 s (peak of the summed VmRSS, and
  the sum of each process's VmHWM);
- time per stage (read, extract, facts, engine, grading, report): from the JSON
  `results[*].timings` / `summary.timings` when the pipeline fills them, else measured here in
  one process by calling the stage functions;
- the parse floor: python-docx `Document(path)` + every table cell's text, openpyxl
  `load_workbook(read_only=False)` + every cell's value, `read_text` for .txt, on 2 processes
  (a subprocess, so interpreter start-up counts on both sides), and our ratio to it;
- with --rss-corpus DIR: the same end-to-end run on a second (larger) corpus, and the ratio of
  the two peaks;
- cold start: `jixiao check one.docx` (fresh interpreter each time), median of --cold runs, and
  the heaviest imports from `python -X importtime`;
- accuracy against manifest.json: per rule, recall (injected defects whose rule fired on that
  file / injected) and false positives (clean files on which the rule fired).

The manifest itself is excluded from the check (`--exclude manifest.json`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
JIXIAO = str(VENV_BIN / "jixiao") if (VENV_BIN / "jixiao").exists() else "jixiao"
STAGES = ("read", "extract", "facts", "engine", "grading", "report")
FAMILIES_INJECTED = ("A", "T", "K", "S", "Q")
CORPUS_EXTENSIONS = (".docx", ".xlsx", ".txt")


# ---------------------------------------------------------------------------- process-tree RSS


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids[ppid].append(int(entry))
    return kids


def _tree(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, ()))
    return out


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB of one process; (0, 0) once it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return 0
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])


class TreeSampler(threading.Thread):
    """Samples the RSS and CPU time of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []  # (seconds since start, summed VmRSS kB, processes)
        self.hwm: dict[int, int] = {}  # pid -> last VmHWM seen
        self.cpu: dict[int, int] = {}  # pid -> last utime + stime seen (ticks), descendants only
        self.peak_sum_kb = 0
        self._halt = threading.Event()
        self.t0 = time.perf_counter()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = _tree(self.pid)
            total = 0
            for p in pids:
                rss, hwm = _status_kb(p)
                total += rss
                if hwm:
                    self.hwm[p] = max(self.hwm.get(p, 0), hwm)
                if p != self.pid:
                    self.cpu[p] = max(self.cpu.get(p, 0), _cpu_ticks(p))
            self.peak_sum_kb = max(self.peak_sum_kb, total)
            self.samples.append((time.perf_counter() - self.t0, total, len(pids)))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    @property
    def hwm_sum_kb(self) -> int:
        return sum(self.hwm.values())


def run_measured(cmd: list[str], interval: float = 0.1, env: dict | None = None) -> dict:
    """Run `cmd`, sampling its process tree; wall seconds, exit code, RSS figures, CPU seconds
    (user + system: the command itself exactly, its descendants as last sampled, so a worker's
    final tenth of a second may be missed), stderr tail. CPU seconds, unlike wall time, barely
    move when other work shares the machine."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    sampler = TreeSampler(proc.pid, interval)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "rc": proc.returncode, "peak_sum_kb": sampler.peak_sum_kb,
            "hwm_sum_kb": sampler.hwm_sum_kb, "processes": len(sampler.hwm), "samples": sampler.samples,
            "cpu_s": own + sum(sampler.cpu.values()) / CLOCK_TICKS, "load_after": os.getloadavg(),
            "stdout": out.decode("utf-8", "replace")[-2000:], "stderr": err.decode("utf-8", "replace")[-4000:]}


# ---------------------------------------------------------------------------- corpus


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in CORPUS_EXTENSIONS and p.is_file())


def check_cmd(corpus: Path, out: Path, workers: int) -> list[str]:
    return [JIXIAO, "check", str(corpus), "--workers", str(workers), "--quiet", "--format", "json", "-o", str(out),
            "--timings", "--fail-on", "never", "--exclude", "manifest.json"]


def end_to_end(corpus: Path, workers: int, out: Path) -> dict:
    run = run_measured(check_cmd(corpus, out, workers))
    if run["rc"] not in (0, 1):
        raise SystemExit(f"jixiao check failed (exit {run['rc']}):\n{run['stderr']}")
    report = json.loads(out.read_text(encoding="utf-8"))
    run["report"] = report
    run["files"] = len(corpus_files(corpus))
    return run


# ---------------------------------------------------------------------------- stages


def stages_from_report(report: dict) -> dict[str, float] | None:
    """Seconds per stage summed over files, from the JSON timings (None if the pipeline has none)."""
    per_file = [r.get("timings") for r in report.get("results", [])]
    if not per_file or not all(per_file):
        return None
    totals = {s: sum(t.get(s, 0.0) for t in per_file) for s in STAGES if s != "report"}
    summary = (report.get("summary") or {}).get("timings") or {}
    stages = summary.get("stages") if isinstance(summary, dict) else None
    if isinstance(stages, dict) and "report" in stages:
        totals["report"] = stages["report"]
    return totals


def stages_in_process(files: list[Path]) -> dict[str, float]:
    """Fallback: the stage functions called here, one process, seconds summed over files."""
    sys.path.insert(0, str(ROOT))
    from checker.config import Config
    from checker.engine import render as render_findings
    from checker.engine import run_session
    from checker.extract import extract
    from checker.facts import FactContext, build_facts
    from checker.grading import grade
    from checker.model import Result
    from checker.readers import read_bytes, read_document
    from checker.report import render
    from checker.rulebook import load_rulebook

    config = Config()
    book = load_rulebook(config)
    totals = dict.fromkeys(STAGES, 0.0)
    results = []
    for path in files:
        t0 = time.perf_counter()
        document = read_document(str(path), read_bytes(str(path)))
        t1 = time.perf_counter()
        submission = extract(document)
        t2 = time.perf_counter()
        ctx = FactContext({r.id: r.params for r in book.every}, book.vocab)
        facts = build_facts(submission, ctx.params, ctx)
        t3 = time.perf_counter()
        findings = render_findings(book, run_session(book, facts), ctx, "zh")
        t4 = time.perf_counter()
        result = Result(path=str(path), status="checked", submission=submission, findings=findings)
        grade(result, config, "zh")
        t5 = time.perf_counter()
        results.append(result)
        for stage, a, b in (("read", t0, t1), ("extract", t1, t2), ("facts", t2, t3), ("engine", t3, t4),
                            ("grading", t4, t5)):
            totals[stage] += b - a
    t0 = time.perf_counter()
    render(results, "json")
    totals["report"] = time.perf_counter() - t0
    return totals


# ---------------------------------------------------------------------------- parse floor


def _floor_one(path: str) -> int:
    """Parse one file the cheapest reasonable way; returns a count so nothing is optimised out."""
    if path.endswith(".docx"):
        import docx

        document = docx.Document(path)
        n = 0
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    n += len(cell.text)
        for paragraph in document.paragraphs:
            n += len(paragraph.text)
        return n
    if path.endswith(".xlsx"):
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=False)
        n = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        n += 1
        return n
    return len(Path(path).read_text(encoding="utf-8"))


def floor_main(corpus: str, workers: int) -> None:
    """`bench_batch.py _floor DIR N`: the parse floor on N processes (run as a subprocess)."""
    from multiprocessing import get_context

    files = [str(p) for p in corpus_files(Path(corpus))]
    with get_context("forkserver").Pool(workers) as pool:
        total = sum(pool.imap_unordered(_floor_one, files, chunksize=8))
    print(json.dumps({"files": len(files), "units": total}))


def parse_floor(corpus: Path, workers: int) -> dict:
    run = run_measured([sys.executable, __file__, "_floor", str(corpus), str(workers)])
    if run["rc"] != 0:
        raise SystemExit(f"parse floor failed:\n{run['stderr']}")
    return run


# ---------------------------------------------------------------------------- cold start


def cold_start(one: Path, runs: int) -> dict:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([JIXIAO, "check", str(one), "--fail-on", "never"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
    base = []
    for _ in range(max(3, runs // 2)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        base.append(time.perf_counter() - start)
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls), "runs": walls,
            "python_startup": statistics.median(base)}


def import_profile(one: Path, top: int = 15) -> dict:
    """`python -X importtime -m checker check one`: heaviest top-level imports (cumulative) and
    the slowest single modules (self time)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "check", str(one), "--fail-on", "never"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    rows = []
    for line in proc.stderr.decode("utf-8", "replace").splitlines():
        m = re.match(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) - 1, m.group(4)))
    total_us = sum(r[0] for r in rows)
    # a package's cumulative time counts each module once, under its first importer
    by_root: Counter = Counter()
    for self_us, _cum, _depth, name in rows:
        by_root[name.split(".")[0]] += self_us
    # top-level imports of the run (depth 0 under whoever imported first)
    top_level = sorted(((cum, name) for self_us, cum, depth, name in rows if depth <= 1), reverse=True)[:top]
    return {"total_ms": total_us / 1000, "by_package_ms": [(k, v / 1000) for k, v in by_root.most_common(top)],
            "top_level_ms": [(name, cum / 1000) for cum, name in top_level]}


# ---------------------------------------------------------------------------- accuracy


def accuracy(corpus: Path, report: dict) -> dict:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    by_name = {Path(r["path"]).name: r for r in report["results"]}
    injected, detected, fp_files = Counter(), Counter(), Counter()
    misses: list[dict] = []
    clean_hits: list[dict] = []
    collateral = Counter()
    errors = []
    clean_files = 0
    for name, entry in manifest["files"].items():
        result = by_name.get(name)
        if result is None or result["status"] != "checked":
            errors.append((name, (result or {}).get("error")))
            continue
        fired = {f["rule"] for f in result["findings"]}
        for d in entry["defects"]:
            injected[d["rule"]] += 1
            if d["rule"] in fired:
                detected[d["rule"]] += 1
            else:
                misses.append({"file": name, "format": entry["format"], "layouts": entry["layouts"], **d})
        if entry["clean"]:
            clean_files += 1
            for rule in sorted(fired):
                fp_files[rule] += 1
            for f in result["findings"]:
                clean_hits.append({"file": name, "format": entry["format"], "rule": f["rule"], "message": f["message"]})
        else:
            wanted = {d["rule"] for d in entry["defects"]}
            for rule in fired - wanted:
                collateral[rule] += 1
    return {"manifest": manifest, "injected": injected, "detected": detected, "fp_files": fp_files,
            "clean_files": clean_files, "misses": misses, "clean_hits": clean_hits, "collateral": collateral,
            "errors": errors, "checked": len(by_name)}


# ---------------------------------------------------------------------------- output


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "checker"],
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip()[:90] + (" (+ uncommitted changes in checker/)" if dirty else "")
    except OSError:
        return "?"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    # Without a bytecode cache every checker module is compiled from source at each start (tens
    # of ms of a cold start, and of each batch's fork server): say so next to the figures.
    bytecode = "; bytecode cache off (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return (f"{os.cpu_count()} cores ({cpu}), Linux {platform.machine()}, CPython {platform.python_version()}; "
            f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}{bytecode}")


def markdown(res: dict) -> str:
    lines: list[str] = []
    add = lines.append
    e2e, files = res["e2e"], res["e2e"]["files"]
    add(f"Measured {res['date']} on commit `{res['commit']}`; {res['machine']}.")
    add("")
    add(f"Corpus: `{res['corpus']}` — {files} files (seed {res['acc']['manifest']['seed']}; "
        f"{res['acc']['manifest']['summary']['by_format']}).")
    add("")
    add("| measure | value | target |")
    add("|---|---:|---|")
    fps = files / e2e["wall"]
    load = e2e.get("load_after")
    during = f"; 1-min load average after the run {load[0]:.2f}" if load else ""
    add(f"| end to end, `--workers {res['workers']}` | {e2e['wall']:.1f} s, **{fps:.1f} files/s**{during} | "
        f"≥ 100 files/s {'met' if fps >= 100 else '**missed**'} |")
    if "cpu_s" in e2e:
        add(f"| CPU time (user + system) of the whole process tree | {e2e['cpu_s']:.1f} s, "
            f"{e2e['cpu_s'] / files * 1000:.1f} ms per file | |")
    if "floor" in res:
        fl = res["floor"]
        ratio = e2e["wall"] / fl["wall"]
        add(f"| parse floor (python-docx / openpyxl / read_text, {res['workers']} processes) | {fl['wall']:.1f} s, "
            f"{files / fl['wall']:.1f} files/s | |")
        add(f"| end to end ÷ parse floor | **{ratio:.2f}×** | ≤ 2× {'met' if ratio <= 2 else '**missed**'} |")
    add(f"| peak RSS, process tree (peak of summed VmRSS / sum of VmHWM), {files} files | "
        f"{mb(e2e['peak_sum_kb'])} / {mb(e2e['hwm_sum_kb'])} ({e2e['processes']} processes) | |")
    if "rss2" in res:
        r2 = res["rss2"]
        ratio = r2["peak_sum_kb"] / e2e["peak_sum_kb"]
        add(f"| peak RSS, {r2['files']} files | {mb(r2['peak_sum_kb'])} / {mb(r2['hwm_sum_kb'])}; "
            f"{r2['wall']:.1f} s, {r2['files'] / r2['wall']:.1f} files/s | |")
        add(f"| RSS ratio {r2['files']} / {files} files (peak of summed VmRSS) | **{ratio:.2f}×** | "
            f"≤ 1.2× {'met' if ratio <= 1.2 else '**missed**'} |")
    if "cold" in res:
        c = res["cold"]
        add(f"| cold `jixiao check one.docx`, median of {len(c['runs'])} | **{c['median']:.2f} s** "
            f"(min {c['min']:.2f}, max {c['max']:.2f}; bare `python -c pass` {c['python_startup']:.2f} s) | "
            f"≤ 0.6 s {'met' if c['median'] <= 0.6 else '**missed**'} |")
    add("")
    st = res["stages"]
    add(f"Time per stage ({res['stages_source']}), summed over the {files} files and per file:")
    add("")
    add("| stage | seconds (sum) | ms per file | share |")
    add("|---|---:|---:|---:|")
    total = sum(st.values()) or 1
    for s in STAGES:
        if s in st:
            add(f"| {s} | {st[s]:.2f} | {st[s] / files * 1000:.1f} | {st[s] / total:.0%} |")
    add(f"| **total** | {total:.2f} | {total / files * 1000:.1f} | |")
    add("")
    if "imports" in res:
        imp = res["imports"]
        add(f"Import time at start-up (`python -X importtime -m checker check one.docx`): {imp['total_ms']:.0f} ms "
            "in all; by top-level package (self time summed):")
        add("")
        add("| package | ms |")
        add("|---|---:|")
        for name, ms in imp["by_package_ms"]:
            add(f"| {name} | {ms:.0f} |")
        add("")
    lines += accuracy_lines(res["acc"], files)
    return "\n".join(lines) + "\n"


def accuracy_lines(acc: dict, files: int) -> list[str]:
    lines: list[str] = []
    add = lines.append
    add(f"Accuracy against the manifest: {sum(acc['injected'].values())} injected defects in "
        f"{files - acc['clean_files']} files, {acc['clean_files']} clean files; {len(acc['errors'])} files not checked.")
    add("")
    add("| rule | injected | detected | recall | false positives (clean files) |")
    add("|---|---:|---:|---:|---:|")
    rules = sorted(set(acc["injected"]) | {r for r in acc["fp_files"] if r[0] in FAMILIES_INJECTED})
    for rule in rules:
        n, d = acc["injected"].get(rule, 0), acc["detected"].get(rule, 0)
        rec = f"{d / n:.0%}" if n else "—"
        add(f"| {rule} | {n} | {d} | {rec} | {acc['fp_files'].get(rule, 0)} |")
    for fam in FAMILIES_INJECTED:
        n = sum(v for k, v in acc["injected"].items() if k[0] == fam)
        d = sum(v for k, v in acc["detected"].items() if k[0] == fam)
        fp = sum(v for k, v in acc["fp_files"].items() if k[0] == fam)
        if n:
            add(f"| **{fam} family** | {n} | {d} | **{d / n:.1%}** | {fp} |")
    other = {k: v for k, v in acc["fp_files"].items() if k[0] not in FAMILIES_INJECTED}
    if other:
        add("")
        add(f"Rules of families not injected that fired on clean files: {dict(sorted(other.items()))}.")
    return lines


def details(res: dict, limit: int = 60) -> str:
    acc = res["acc"]
    out = []
    by_rule = Counter(m["rule"] for m in acc["misses"])
    if by_rule:
        out.append(f"Missed injected defects by rule: {dict(by_rule.most_common())}")
    if acc["misses"]:
        out.append("Missed injected defects:")
        for m in acc["misses"][:limit]:
            out.append(f"  {m['rule']} {m['file']} ({m['format']}, {'+'.join(m['layouts'])}): {m['detail']}")
    if acc["clean_hits"]:
        out.append("Findings on clean files:")
        for h in acc["clean_hits"][:limit]:
            out.append(f"  {h['rule']} {h['file']} ({h['format']}): {h['message'][:160]}")
    if acc["collateral"]:
        out.append(f"Rules that fired on defective files without being injected there: {dict(acc['collateral'].most_common())}")
    if acc["errors"]:
        out.append(f"Files without a checked result: {acc['errors'][:10]}")
    if "imports" in res:
        out.append("Heaviest top-level imports (cumulative ms): " +
                   ", ".join(f"{n} {ms:.0f}" for n, ms in res["imports"]["top_level_ms"]))
    return "\n".join(out) + ("\n" if out else "")


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_floor"]:
        floor_main(argv[1], int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a directory written by benchmarks/make_corpus.py")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rss-corpus", type=Path, help="a second (larger) corpus: peak RSS there vs here")
    parser.add_argument("--cold", type=int, default=10, help="cold single-file runs (0: skip)")
    parser.add_argument("--no-floor", action="store_true", help="skip the parse floor")
    parser.add_argument("--in-process-stages", action="store_true",
                        help="measure stages in this process even when the JSON report has timings")
    parser.add_argument("--md", type=Path, help="also write the results as markdown to this file")
    parser.add_argument("--keep", type=Path, help="keep the JSON report(s) in this directory")
    args = parser.parse_args(argv)

    corpus = args.corpus.resolve()
    files = corpus_files(corpus)
    if not files or not (corpus / "manifest.json").exists():
        raise SystemExit(f"{corpus}: no corpus (run benchmarks/make_corpus.py first)")
    res: dict = {"corpus": str(corpus), "workers": args.workers, "commit": git_commit(),
                 "date": dt.date.today().isoformat(), "machine": machine()}
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)

    print(f"end to end: {len(files)} files, --workers {args.workers} …", flush=True)
    e2e = end_to_end(corpus, args.workers, tmp / "report.json")
    res["e2e"] = e2e
    print(f"  {e2e['wall']:.1f} s, {len(files) / e2e['wall']:.1f} files/s, CPU {e2e['cpu_s']:.1f} s, "
          f"peak RSS {mb(e2e['peak_sum_kb'])} (sum of VmHWM {mb(e2e['hwm_sum_kb'])}, {e2e['processes']} processes)",
          flush=True)

    stages = None if args.in_process_stages else stages_from_report(e2e["report"])
    if stages is not None:
        res["stages_source"] = "JSON `--timings`: per-file timings of the pipeline, report from the summary"
    else:
        print("stages: measuring in this process …", flush=True)
        stages = stages_in_process(files)
        res["stages_source"] = "measured in one process by calling the stage functions"
    res["stages"] = stages
    print("  " + ", ".join(f"{s} {stages[s]:.2f} s" for s in STAGES if s in stages), flush=True)

    if not args.no_floor:
        print("parse floor …", flush=True)
        res["floor"] = parse_floor(corpus, args.workers)
        print(f"  {res['floor']['wall']:.1f} s; end to end / floor = {e2e['wall'] / res['floor']['wall']:.2f}", flush=True)

    if args.rss_corpus:
        second = args.rss_corpus.resolve()
        n2 = len(corpus_files(second))
        print(f"end to end on {second}: {n2} files …", flush=True)
        r2 = end_to_end(second, args.workers, tmp / "report2.json")
        r2.pop("report")
        res["rss2"] = r2
        print(f"  {r2['wall']:.1f} s, peak RSS {mb(r2['peak_sum_kb'])} (ratio {r2['peak_sum_kb'] / e2e['peak_sum_kb']:.2f})",
              flush=True)

    if args.cold:
        manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
        docx_clean = [n for n, e in manifest["files"].items() if n.endswith(".docx") and e["clean"]]
        one = corpus / (docx_clean[0] if docx_clean else next(p.name for p in files if p.suffix == ".docx"))
        print(f"cold start: {one.name} × {args.cold} …", flush=True)
        res["cold"] = cold_start(one, args.cold)
        res["imports"] = import_profile(one)
        print(f"  median {res['cold']['median']:.2f} s", flush=True)

    res["acc"] = accuracy(corpus, e2e["report"])
    text = markdown(res)
    print()
    print(text)
    print(details(res))
    if args.md:
        args.md.write_text(text + "\n```\n" + details(res) + "```\n", encoding="utf-8")
        print(f"markdown written to {args.md}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
