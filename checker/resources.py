"""Where jixiao's data files are: in an installed wheel, or in the source tree.

The design card keeps the rule files in the top-level `rules/` folder and the rule examples in
`fixtures/cases/`. A wheel cannot carry folders outside its packages, so pyproject.toml maps them
into the package as `checker/rules_data/` and `checker/cases_data/` (package-dir). An installed
jixiao finds them there; a source checkout (also an editable install) has only the top-level
folders, one level above this package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(packaged: str, *source: str) -> Path:
    inside = PACKAGE_DIR / packaged
    return inside if inside.is_dir() else PACKAGE_DIR.parent.joinpath(*source)


RULES_DIR = _data_dir("rules_data", "rules")  # rules/*.yaml and vocabulary.yaml
CASES_DIR = _data_dir("cases_data", "fixtures", "cases")  # the examples `jixiao explain` shows
