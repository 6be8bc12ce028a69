"""The README's configuration example and limits table say what the code does."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from checker.config import input_limits, load_config
from checker.readers import DEFAULT_LIMITS, Limits

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_config_example_loads_and_sets_its_limits(tmp_path):
    block = re.search(r"```toml\n(.*?)```", README, re.S).group(1)
    (tmp_path / "jixiao.toml").write_text(block, encoding="utf-8")
    config = load_config(tmp_path / "jixiao.toml")
    assert config.ignore == ["Q18"] and config.severity == {"K02": "info"}
    assert input_limits(config).max_file_bytes == 50 * 1024 * 1024


def test_every_limit_is_in_the_table_with_its_default():
    rows = [line for line in README.splitlines() if line.startswith("| ") and "`max_" in line]
    keys = {key for row in rows for key in re.findall(r"`(max_\w+)`", row)}
    assert keys == {f.name for f in dataclasses.fields(Limits)}
    for row in rows:
        default = row.split("|")[3]
        figures = [int(x.replace(",", "")) for x in re.findall(r"[\d,]+", default)]
        names = re.findall(r"`(max_\w+)`", row)
        for name, shown in zip(names, figures):
            value = getattr(DEFAULT_LIMITS, name)
            assert shown in (value, value // (1024 * 1024)), (name, shown, value)
