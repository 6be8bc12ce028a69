"""Rule evaluation time per submission: facts (all family builders) + engine (durable_rules
session: assert, end barrier, delete) + rendering of findings.

Inputs are read once (reading/extraction is not timed); each document is then evaluated
`--reps` times and the median is kept. Before each timed evaluation the text-normalisation memo
(`checker.facts.vocab.norm`) is emptied, so every evaluation pays for its own cells as a new
submission would; only what is constant per process (compiled rules, normalised word lists)
stays warm. Usage:

    .venv/bin/python benchmarks/bench_rules.py [--reps 200] [--sessions 5000]

--sessions N additionally runs N full evaluations (cycling through the documents) and prints
resident memory and the number of live engine sessions along the way.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.config import Config  # noqa: E402
from checker.engine import evaluate, live_sessions, render, run_session  # noqa: E402
from checker.facts import FactContext, build_facts  # noqa: E402
from checker.facts.vocab import norm  # noqa: E402
from checker.pipeline import load_submission  # noqa: E402
from checker.rulebook import load_rulebook  # noqa: E402


def documents() -> list[Path]:
    found = sorted((ROOT / "fixtures" / "seeds").glob("*.txt")) + sorted((ROOT / "fixtures" / "real-docs").glob("*.txt"))
    return found


def measure(path: Path, reps: int, book) -> dict:
    submission = load_submission(str(path))
    facts_ms, engine_ms, total_ms = [], [], []
    n_facts = n_findings = 0
    for _ in range(reps):
        norm.cache_clear()  # a new submission: none of its texts normalised yet
        t0 = time.perf_counter()
        ctx = FactContext({r.id: r.params for r in book.every}, book.vocab)
        facts = build_facts(submission, ctx.params, ctx)
        t1 = time.perf_counter()
        findings = render(book, run_session(book, facts), ctx, "zh")
        t2 = time.perf_counter()
        facts_ms.append((t1 - t0) * 1000)
        engine_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
        n_facts, n_findings = len(facts), len(findings)
    return {"doc": path.name, "facts": n_facts, "findings": n_findings,
            "facts_ms": statistics.median(facts_ms), "engine_ms": statistics.median(engine_ms),
            "total_ms": statistics.median(total_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=0)
    args = parser.parse_args()
    book = load_rulebook(Config())
    warm = load_submission(str(documents()[0]))
    ctx = FactContext({r.id: r.params for r in book.every}, book.vocab)
    run_session(book, build_facts(warm, ctx.params, ctx))  # registers the ruleset once
    rows = [measure(path, args.reps, book) for path in documents()]
    print(f"rules: {len(book.rules)} active; {len(rows)} documents; {args.reps} repetitions each; "
          f"Python {platform.python_version()} on {platform.machine()}")
    print(f"{'document':58} {'facts':>5} {'find':>4} {'facts ms':>9} {'engine ms':>9} {'total ms':>9}")
    for row in rows:
        print(f"{row['doc'][:58]:58} {row['facts']:5d} {row['findings']:4d} {row['facts_ms']:9.2f} "
              f"{row['engine_ms']:9.2f} {row['total_ms']:9.2f}")
    med = {key: statistics.median(r[key] for r in rows) for key in ("facts_ms", "engine_ms", "total_ms")}
    print(f"{'median over documents':58} {'':5} {'':4} {med['facts_ms']:9.2f} {med['engine_ms']:9.2f} "
          f"{med['total_ms']:9.2f}")
    if args.sessions:
        sessions(args.sessions)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sessions(count: int) -> None:
    submissions = [load_submission(str(p)) for p in documents()]
    start = time.perf_counter()
    print(f"{'evaluations':>11} {'RSS MB':>8} {'live sessions':>14}")
    print(f"{0:11d} {_rss_mb():8.1f} {live_sessions():14d}")
    for i in range(1, count + 1):
        evaluate(submissions[i % len(submissions)], Config())
        if i % 1000 == 0 or i == count:
            print(f"{i:11d} {_rss_mb():8.1f} {live_sessions():14d}")
    print(f"{count} evaluations in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
