"""Regenerate docs/sample-report.html from the bundled seeds, and print the terminal sample for
the README (seed 000, 80 columns, plain text).

    .venv/bin/python scripts/make_sample_report.py            # write the HTML, print the terminal sample
    .venv/bin/python scripts/make_sample_report.py --check    # exit 1 if docs/sample-report.html is stale

The sample changes whenever a rule, a message, the grading or the report layout changes (and on a
version bump: the footer names the version); rerun the script and commit docs/sample-report.html.
tests/test_report_sample.py checks that the committed file is what the script makes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model import Result  # noqa: E402
from checker.pipeline import CheckOptions, check_file  # noqa: E402
from checker.report import ReportOptions, render  # noqa: E402

SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
SAMPLE_HTML = ROOT / "docs" / "sample-report.html"
TITLE = {"zh": "预算绩效目标表检查报告（样例：fixtures/seeds）", "en": "Budget performance target check report (sample: fixtures/seeds)"}


def checked(seeds: list[Path], lang: str = "zh") -> list[Result]:
    """The seeds checked with the default configuration, with paths as given from the repository
    root and without timings (they differ run to run)."""
    results = []
    for seed in seeds:
        result = check_file(str(seed), CheckOptions(lang=lang))
        result.path = seed.relative_to(ROOT).as_posix()
        result.timings = None
        results.append(result)
    return results


def sample_html(lang: str = "zh") -> str:
    return render(checked(SEEDS, lang), "html", lang, ReportOptions(title=TITLE[lang]))


def sample_terminal(lang: str = "zh", width: int = 80) -> str:
    """Seed 000 as the terminal report prints it, plain text (as in a pipe or with NO_COLOR)."""
    return render(checked(SEEDS[:1], lang), "table", lang, ReportOptions(width=width))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that docs/sample-report.html is current")
    ap.add_argument("--lang", default="zh", choices=("zh", "en"), help="language of the terminal sample")
    args = ap.parse_args()
    html = sample_html("zh")
    if args.check:
        current = SAMPLE_HTML.read_text(encoding="utf-8") if SAMPLE_HTML.exists() else ""
        if current != html:
            print(f"{SAMPLE_HTML.relative_to(ROOT)} is out of date: run scripts/make_sample_report.py", file=sys.stderr)
            return 1
        return 0
    SAMPLE_HTML.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_HTML.write_text(html, encoding="utf-8", newline="")
    print(f"wrote {SAMPLE_HTML.relative_to(ROOT)}", file=sys.stderr)
    sys.stdout.write(sample_terminal(args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
