"""Long run (issue 7): 10,000 mixed files in one batch, through the CLI.

    .venv/bin/python benchmarks/make_corpus.py -n 10000 -o /tmp/jixiao-corpus-10000
    .venv/bin/python benchmarks/bench_longrun.py /tmp/jixiao-corpus-10000 --md /tmp/bench-longrun.md

Checks, on one `jixiao check DIR --workers 2 --quiet --format json -o OUT` run:

- flat memory: the RSS of the whole process tree (CLI, pool and workers) sampled every
  --interval seconds from /proc; printed over time, with the growth between the end of the
  first quarter and the end of the run, and a least-squares slope over the second half;
- every file accounted for: as many results as files, each path exactly once, none missing or
  foreign, and how many are `checked` / `error` (with the error codes);
- no leaked engine sessions: durable_rules holds at most 1,024 live sessions per process, and
  each worker checks ~5,000 files here, so a session leaked per file would turn every file
  after the 1,024th of a worker into an internal error: all files `checked` proves it. The
  same is then asserted directly in this process on --sessions files of the corpus
  (`checker.engine.live_sessions() == 0` after each, and `session_exists` false for the
  session ids used), the API tests/test_engine.py uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import (accuracy, accuracy_lines, check_cmd, corpus_files, details, git_commit,  # noqa: E402
                         machine, mb, run_measured)

ROOT = Path(__file__).resolve().parent.parent


def accounted(corpus: Path, report: dict) -> dict:
    expected = {str(p) for p in corpus_files(corpus)}
    paths = [str(Path(r["path"]).resolve()) if not Path(r["path"]).is_absolute() else r["path"]
             for r in report["results"]]
    counts = Counter(paths)
    status = Counter(r["status"] for r in report["results"])
    codes = Counter((r.get("error") or {}).get("code") for r in report["results"] if r["status"] == "error")
    return {
        "files": len(expected),
        "results": len(paths),
        "duplicates": sorted(p for p, n in counts.items() if n > 1),
        "missing": sorted(expected - set(counts)),
        "foreign": sorted(set(counts) - expected),
        "status": dict(status),
        "error_codes": dict(codes),
        "summary_files": (report.get("summary") or {}).get("files"),
    }


def slope_mb_per_1000s(samples: list[tuple[float, int, int]]) -> float:
    """Least-squares slope of summed RSS over the second half of the run, in MB per 1,000 s."""
    half = [s for s in samples if s[0] >= samples[-1][0] / 2]
    if len(half) < 3:
        return 0.0
    n = len(half)
    mx = sum(s[0] for s in half) / n
    my = sum(s[1] for s in half) / n
    sxx = sum((s[0] - mx) ** 2 for s in half)
    sxy = sum((s[0] - mx) * (s[1] - my) for s in half)
    return (sxy / sxx) / 1024 * 1000 if sxx else 0.0


def sessions_in_process(files: list[Path], n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import checker.engine as engine
    from checker.config import Config
    from checker.pipeline import CheckOptions, check_file
    from checker.rulebook import load_rulebook

    options = CheckOptions(config=Config())
    sample = files[:: max(1, len(files) // n)][:n]
    first_sid = int(next(engine._SIDS))
    worst = 0
    statuses = Counter()
    for path in sample:
        result = check_file(str(path), options)
        statuses[result.status] += 1
        worst = max(worst, engine.live_sessions())
    last_sid = int(next(engine._SIDS))
    name = engine.ruleset_name(load_rulebook(Config()))
    probe = list(range(first_sid + 1, last_sid))
    still = [sid for sid in probe if engine.session_exists(name, str(sid))]
    return {"files": len(sample), "status": dict(statuses), "max_live_after_a_file": worst,
            "live_at_end": engine.live_sessions(), "session_ids": len(probe), "sessions_still_existing": len(still)}


def rss_table(samples: list[tuple[float, int, int]], rows: int = 11) -> list[tuple[float, int, int]]:
    if not samples:
        return []
    end = samples[-1][0]
    out = []
    for i in range(rows):
        t = end * i / (rows - 1)
        out.append(min(samples, key=lambda s: abs(s[0] - t)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=1.0, help="RSS sampling interval, seconds")
    parser.add_argument("--sessions", type=int, default=1500, help="files checked in this process for the session check")
    parser.add_argument("--md", type=Path)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    files = corpus_files(corpus)
    out = Path(tempfile.mkdtemp(prefix="jixiao-longrun-")) / "report.json"
    print(f"long run: {len(files)} files, --workers {args.workers} …", flush=True)
    run = run_measured(check_cmd(corpus, out, args.workers), interval=args.interval)
    if run["rc"] not in (0, 1):
        raise SystemExit(f"jixiao check failed (exit {run['rc']}):\n{run['stderr']}")
    report = json.loads(out.read_text(encoding="utf-8"))
    acc = accounted(corpus, report)
    quality = accuracy(corpus, report) if (corpus / "manifest.json").exists() else None
    del report
    samples = [s for s in run["samples"] if s[1] > 0]  # the last poll may come after the exit
    table = rss_table(samples)
    q1 = next((s for s in samples if s[0] >= samples[-1][0] / 4), samples[0])
    peak = max(s[1] for s in samples)
    print(f"  {run['wall']:.0f} s, {len(files) / run['wall']:.1f} files/s; peak RSS {mb(peak)}", flush=True)
    print(f"session check in this process on {args.sessions} files …", flush=True)
    started = time.perf_counter()
    sess = sessions_in_process(files, args.sessions)
    sess["seconds"] = time.perf_counter() - started

    ok_accounted = (acc["results"] == acc["files"] and not acc["duplicates"] and not acc["missing"]
                    and not acc["foreign"])
    lines = [
        f"Measured {dt.date.today().isoformat()} on commit `{git_commit()}`; {machine()}.",
        "",
        f"Corpus: `{corpus}` — {len(files)} files. Command: `jixiao check DIR --workers {args.workers} --quiet "
        "--format json -o OUT --timings --exclude manifest.json`.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| wall time | {run['wall']:.0f} s ({len(files) / run['wall']:.1f} files/s) |",
        f"| results / files | {acc['results']} / {acc['files']}; duplicates {len(acc['duplicates'])}, missing "
        f"{len(acc['missing'])}, foreign {len(acc['foreign'])} — **{'every file once' if ok_accounted else 'NOT accounted'}** |",
        f"| statuses | {acc['status']}{'; error codes ' + str(acc['error_codes']) if acc['error_codes'] else ''} |",
        f"| peak RSS, process tree (peak of summed VmRSS / sum of VmHWM) | {mb(peak)} / {mb(run['hwm_sum_kb'])} "
        f"({run['processes']} processes) |",
        f"| RSS at 25 % of the run → end | {mb(q1[1])} → {mb(samples[-1][1])} |",
        f"| RSS slope over the second half | {slope_mb_per_1000s(samples):+.1f} MB per 1,000 s |",
        f"| engine sessions (in process, {sess['files']} files) | live after each file ≤ {sess['max_live_after_a_file']}, "
        f"at end {sess['live_at_end']}; {sess['sessions_still_existing']} of {sess['session_ids']} session ids "
        f"still known to durable_rules |",
        "",
        "RSS of the process tree over the run:",
        "",
        "| seconds | RSS (summed) | processes |",
        "|---:|---:|---:|",
    ]
    lines += [f"| {t:.0f} | {mb(kb)} | {n} |" for t, kb, n in table]
    if quality is not None:
        lines += [""] + accuracy_lines(quality, len(files))
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if quality is not None:
        print(details({"acc": quality}, limit=20))
    if acc["duplicates"] or acc["missing"] or acc["foreign"]:
        print("duplicates:", acc["duplicates"][:5], "missing:", acc["missing"][:5], "foreign:", acc["foreign"][:5])
    if args.md:
        args.md.write_text(text, encoding="utf-8")
    return 0 if ok_accounted and sess["live_at_end"] == 0 and not sess["sessions_still_existing"] else 1


if __name__ == "__main__":
    sys.exit(main())
