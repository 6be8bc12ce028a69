"""Configuration: jixiao.toml or [tool.jixiao] in pyproject.toml, found by walking up
from the input; CLI options override the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Config:
    select: list[str] = field(default_factory=list)  # rule ids or family prefixes; empty = all
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> error/warning/info
    params: dict[str, dict] = field(default_factory=dict)  # rule id -> {param: value}
    rule_dirs: list[Path] = field(default_factory=list)  # user rule files beside the built-in ones
    grading: dict = field(default_factory=dict)
    limits: dict = field(default_factory=dict)
    source: Path | None = None  # the file this config was read from
