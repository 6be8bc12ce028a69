"""Configuration: jixiao.toml or [tool.jixiao] in pyproject.toml in the working directory, or the
file given with --config; CLI options override the file.

The configuration is the operator's: it is never looked for next to the inputs (a submitter who
ships a jixiao.toml inside a folder or an archive must not be able to switch rules off or change
the grading), and every report names the file that was used.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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


class ConfigError(Exception):
    """A configuration that cannot be used; the message is Chinese then English. The CLI exits 2."""

    def __init__(self, path: Path | None, zh: str, en: str):
        self.path = path
        self.zh = zh
        self.en = en
        where = f"{path}: " if path else ""
        super().__init__(f"配置错误 / config error: {where}{zh} / {en}")


CONFIG_NAME = "jixiao.toml"
PYPROJECT = "pyproject.toml"
SEVERITIES = ("error", "warning", "info")
KEYS = ("select", "ignore", "severity", "params", "rules", "grading", "limits")


def find_config(directory: Path | None) -> tuple[Path, dict] | None:
    """jixiao.toml, or pyproject.toml with [tool.jixiao], in `directory` (default: the working
    directory) itself -- never in a parent: the inputs' folders are not the operator's."""
    here = Path(directory) if directory is not None else Path.cwd()
    if not here.is_dir():
        here = here.parent
    candidate = here / CONFIG_NAME
    if candidate.is_file():
        return candidate, _read_toml(candidate)
    pyproject = here / PYPROJECT
    if pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("jixiao")
        if section is not None:
            return pyproject, _table(pyproject, section, "tool.jixiao")
    return None


def load_config(directory: Path | None = None, explicit: Path | None = None) -> Config:
    """`explicit` (--config) if given, else the config file in `directory` (the working
    directory), else the built-in defaults."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(path, "配置文件不存在", "config file not found")
        data = _read_toml(path)
        if path.name == PYPROJECT:
            data = _table(path, data.get("tool", {}).get("jixiao", {}), "tool.jixiao")
        return _to_config(path, data)
    found = find_config(directory)
    if found is None:
        return Config()
    return _to_config(*found)


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"TOML 语法错误：{exc}", f"TOML syntax error: {exc}") from exc
    except (RecursionError, ValueError) as exc:  # nested too deeply, a 5,000-digit integer
        raise ConfigError(path, f"无法解析：{type(exc).__name__}", f"cannot parse: {type(exc).__name__}") from exc
    except OSError as exc:
        raise ConfigError(path, f"无法读取：{exc}", f"cannot read: {exc}") from exc


def _table(path: Path, value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(path, f"{name} 应为表", f"{name} must be a table")
    return value


def _to_config(path: Path, data: dict) -> Config:
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(path, f"未知配置项：{', '.join(unknown)}（可用：{', '.join(KEYS)}）",
                          f"unknown keys: {', '.join(unknown)} (known: {', '.join(KEYS)})")
    config = Config(source=path)
    config.select = _id_list(path, data, "select")
    config.ignore = _id_list(path, data, "ignore")
    severity = _table(path, data.get("severity", {}), "severity")
    for rule_id, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(path, f"severity.{rule_id} = {level!r}，应为 error/warning/info",
                              f"severity.{rule_id} = {level!r} must be error/warning/info")
    config.severity = {str(k).strip(): v for k, v in severity.items()}
    params = _table(path, data.get("params", {}), "params")
    for rule_id, values in params.items():
        _table(path, values, f"params.{rule_id}")
        for name, value in values.items():
            if isinstance(value, float):
                raise ConfigError(path, f"params.{rule_id}.{name} = {value}：不接受小数，请用整数（分、基点）",
                                  f"params.{rule_id}.{name} = {value}: no floats, use integers (fen, basis points)")
    config.params = {str(k).strip(): dict(v) for k, v in params.items()}
    rules = data.get("rules", [])
    if isinstance(rules, str):
        rules = [rules]
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ConfigError(path, "rules 应为目录列表", "rules must be a list of directories")
    config.rule_dirs = [(path.parent / r).resolve() for r in rules]
    for directory in config.rule_dirs:
        if not directory.is_dir():
            raise ConfigError(path, f"规则目录不存在：{directory}", f"rule directory not found: {directory}")
    config.grading = _table(path, data.get("grading", {}), "grading")
    config.limits = _table(path, data.get("limits", {}), "limits")
    _check_limits(path, config.limits)
    return config


def _limit_names() -> tuple[str, ...]:
    from checker.readers import Limits

    return tuple(f.name for f in dataclasses.fields(Limits))


def _check_limits(path: Path, limits: dict) -> None:
    names = _limit_names()
    for key, value in limits.items():
        if key == "timeout":
            if not valid_timeout(value):
                raise ConfigError(path, f"limits.timeout = {value!r}：应为每个文件的秒数（大于 0，至多 {MAX_TIMEOUT}）",
                                  f"limits.timeout = {value!r} must be seconds per file (> 0, at most {MAX_TIMEOUT})")
        elif key not in names:
            allowed = ", ".join(("timeout",) + names)
            raise ConfigError(path, f"[limits] 中没有 {key} 这一项；可用：{allowed}",
                              f"[limits] has no key {key}; known keys: {allowed}")
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(path, f"limits.{key} = {value!r}：应为正整数", f"limits.{key} = {value!r} must be a positive integer")


MAX_TIMEOUT = 86_400  # a day per file: anything longer is a mistake, not a limit


def valid_timeout(value: Any) -> bool:
    """A per-file time limit is a finite number of seconds, above 0 and at most a day: no
    "nan" (compares false with everything, so it would mean no limit), no inf, no 0."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and 0 < value <= MAX_TIMEOUT


def describe(config: Config) -> tuple[str | None, list[str]]:
    """(the config file used or None for the built-in defaults, the rule directories used)."""
    from checker.rulebook import rule_dirs

    return (str(config.source) if config.source else None), [str(d) for d in rule_dirs(config)]


def input_limits(config: Config):
    """The reader Limits with the [limits] overrides of `config` (timeout is the batch's)."""
    from checker.readers import DEFAULT_LIMITS

    overrides = {k: v for k, v in config.limits.items() if k != "timeout"}
    return dataclasses.replace(DEFAULT_LIMITS, **overrides) if overrides else DEFAULT_LIMITS


def timeout_seconds(config: Config, default: float) -> float:
    """The per-file time limit from [limits] timeout (seconds), else `default`."""
    value = config.limits.get("timeout")
    return default if value is None else float(value)


def _id_list(path: Path, data: dict, key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"{key} 应为规则编号列表", f"{key} must be a list of rule ids")
    return [s.strip() for item in value for s in item.split(",") if s.strip()]
