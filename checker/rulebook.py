"""Load and validate rule files (rules/*.yaml), then apply the configuration.

A rule file is data (format: rules/README.md). This module checks it with a pydantic schema,
substitutes `$params.NAME` / `$vocab.NAME`, and returns a `Rulebook` whose variants are plain
durable_rules conditions. It never imports durable_rules: compiling into a ruleset is the
engine's job.

A compiled rulebook is also kept on disk (`cache_dir()`), keyed on a hash of the rule files'
paths and bytes, the configuration that shapes it and this module's own source: parsing and
validating the YAML is most of a cold single-file check, and a key over the content means an
edited rule file can never be served from a stale entry. The cache is plain JSON data checked
against its own SHA-256 and rebuilt into typed objects field by field: whatever is planted in
the cache directory can at worst be refused, never run (it is never unpickled).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import string
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from checker import __version__
from checker.config import Config
from checker.resources import CASES_DIR, RULES_DIR

BUILTIN_DIR = RULES_DIR  # top-level rules/, or checker/rules_data/ in a wheel (checker/resources.py)
VOCAB_FILE = "vocabulary.yaml"
LABELS_FILE = "labels.yaml"  # label synonyms for the extractor (checker/extract/labels.yaml's format)
END_ALIAS = "end_"
END_KIND = "end_of_facts"  # keep in step with checker.facts.END_KIND

Severity = Literal["error", "warning", "info"]
Dimension = Literal["完整性", "相关性", "适当性", "可行性"]
SEVERITIES = ("error", "warning", "info")

_ID = re.compile(r"^[A-Z]{1,3}\d{2,3}$")
_ALIAS = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM_REF = re.compile(r"^\$params\.([A-Za-z_][A-Za-z0-9_]*)$")
_VOCAB_REF = re.compile(r"\$vocab\.([A-Za-z_][A-Za-z0-9_]*)")
_REGEX_META = set(".*+?()|{}$")
_REGEX_REFUSED = set("[]^\\%")


class RuleFileError(Exception):
    """A rule file (or a config entry about rules) that cannot be used. The CLI exits 2."""

    def __init__(self, path: Path | str | None, detail: str, rule: str | None = None, line: int | None = None):
        self.path = str(path) if path else None
        self.rule = rule
        self.line = line
        self.detail = detail
        where = self.path or "配置 / config"
        if line:
            where += f":{line}"
        if rule:
            where += f" [{rule}]"
        super().__init__(f"规则文件错误 / rule file error: {where}: {detail}")


# ---- schema ---------------------------------------------------------------------------------

class I18n(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class VariantSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a rule file is parsed
    when: dict[str, Any]
    focus: str | None = None
    message: I18n | None = None
    severity: Severity | None = None


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a rule file is parsed
    id: str
    severity: Severity
    dimension: Dimension
    title: I18n
    description: I18n | None = None
    message: I18n
    fix: I18n
    basis: I18n
    params: dict[str, Any] = Field(default_factory=dict)
    when: dict[str, Any] | None = None
    focus: str | None = None
    variants: list[VariantSpec] | None = None
    figures: list[str] | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} must look like A01 (capital letters + 2-3 digits)")
        return value

    @field_validator("params")
    @classmethod
    def _param_types(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, default in value.items():
            if not _scalar_param(default):
                raise ValueError(f"param {name!r}: only int, bool, str or lists of them (no float): {default!r}")
        return value

    @model_validator(mode="after")
    def _when_or_variants(self) -> "RuleSpec":
        if (self.when is None) == (self.variants is None):
            raise ValueError("give exactly one of `when` or `variants`")
        if self.variants is not None and (not self.variants or self.focus is not None):
            raise ValueError("`variants` must be non-empty; put `focus` inside each variant")
        return self


class RuleFileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built when a rule file is parsed
    family: str = Field(pattern=r"^[A-Z]{1,3}$")
    rules: list[RuleSpec]


def _scalar_param(value: Any) -> bool:
    if isinstance(value, (bool, int, str)):
        return True
    return isinstance(value, list) and all(isinstance(v, (bool, int, str)) for v in value)


# ---- the compiled rulebook ------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    op: str  # "all" / "any"
    terms: tuple  # durable_rules condition list: ({alias: cond}, ...)
    aliases: tuple[str, ...]  # positive aliases in order
    focus: str | None  # None: the first alias present in the match
    message: I18n
    severity: str
    figures: tuple[str, ...]  # template names copied into Finding.figures


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    dimension: str
    title: I18n
    description: I18n | None
    message: I18n
    fix: I18n
    basis: I18n
    params: dict
    variants: tuple[Variant, ...]
    source: str
    line: int | None

    def condition(self, index: int) -> dict:
        """Variant `index` as a durable_rules rule body (a fresh copy: durable mutates it)."""
        variant = self.variants[index]
        return {variant.op: copy.deepcopy(list(variant.terms))}


@dataclass
class Rulebook:
    rules: list[Rule]  # active (after select/ignore), sorted by id
    every: list[Rule]  # all loaded rules, with effective severity and params
    vocab: dict[str, list[str]]
    fingerprint: str = ""
    by_id: dict[str, Rule] = field(default_factory=dict)
    kinds: frozenset[str] | None = None  # fact kinds the active rules can match (None: any kind)
    fields: frozenset[str] = frozenset()  # fact fields the active rules' conditions read

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)


# ---- loading --------------------------------------------------------------------------------

_FILE_CACHE: dict[tuple, Any] = {}
_BOOK_CACHE: dict[tuple, Rulebook] = {}


def rule_dirs(config: Config | None) -> list[Path]:
    dirs = [BUILTIN_DIR]
    for extra in (config.rule_dirs if config else []):
        path = Path(extra).resolve()
        if path not in dirs:
            dirs.append(path)
    return dirs


def load_rulebook(config: Config | None = None) -> Rulebook:
    """Every rule file in the built-in dir and `config.rule_dirs`, with the config applied."""
    config = config or Config()
    dirs = rule_dirs(config)
    files = _rule_files(dirs)
    key = (
        tuple((str(p), _stamp(p)) for p in files),
        tuple(config.select), tuple(config.ignore),
        _config_json(config),
    )
    book = _BOOK_CACHE.get(key)
    if book is None:
        book = _load_or_build(files, config)
        if len(_BOOK_CACHE) > 32:
            _BOOK_CACHE.clear()
        _BOOK_CACHE[key] = book
    return book


def _config_json(config: Config) -> str:
    """What of the configuration shapes a rulebook, as stable text."""
    return json.dumps([list(config.select), list(config.ignore), config.severity, config.params],
                      sort_keys=True, ensure_ascii=False, default=str)


# ---- the on-disk cache ----------------------------------------------------------------------

CACHE_ENV = "JIXIAO_CACHE_DIR"  # a directory, or "" to keep no cache on disk
CACHE_FORMAT = 2  # bump when what is stored changes shape (2: JSON, was a pickle)
CACHE_KEEP = 8  # entries kept (one per rule set + configuration seen lately)


def cache_dir() -> Path | None:
    """Where compiled rulebooks are kept: $JIXIAO_CACHE_DIR, else the user's cache directory
    (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%) + /jixiao; None: no disk cache."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env) if env.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "jixiao" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "jixiao"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "jixiao"


def content_key(sources: list[tuple[Path, bytes]], config: Config) -> str:
    """Hash of everything a compiled rulebook depends on: each rule file's path and bytes, the
    configuration, this module's source, the package and Python versions."""
    digest = hashlib.sha256()
    for part in (str(CACHE_FORMAT), __version__, sys.version, _config_json(config)):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(_CODE_DIGEST)
    for path, data in sources:
        digest.update(f"{path}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def _code_digest() -> bytes:
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).digest()
    except OSError:  # no source next to the module: a random key, so nothing is ever reused
        return os.urandom(32)


_CODE_DIGEST = _code_digest()


def _cache_path(directory: Path, key: str) -> Path:
    return directory / f"rules-{key[:40]}.json"


MAX_CACHE_BYTES = 20 * 1024 * 1024  # the built-in rulebook is ~0.3 MB


def _read_cached(key: str) -> Rulebook | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with open(_cache_path(directory, key), "rb") as fh:
            blob = fh.read(MAX_CACHE_BYTES + 1)
        if len(blob) > MAX_CACHE_BYTES:
            return None
        return _book_from_json(blob, key)
    except Exception:  # absent, unreadable, truncated, tampered with, another version: build instead
        return None


def _book_to_json(key: str, book: Rulebook) -> bytes:
    """The rulebook as JSON data, with the key and a SHA-256 of the body."""
    body = json.dumps({
        "rules": [_rule_data(r) for r in book.every],
        "active": [r.id for r in book.rules],
        "vocab": book.vocab,
        "fingerprint": book.fingerprint,
        "kinds": sorted(book.kinds) if book.kinds is not None else None,
        "fields": sorted(book.fields),
    }, ensure_ascii=False)  # key order kept: it is the conditions' and the params' own order
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return json.dumps({"key": key, "sha256": digest, "body": body}, ensure_ascii=False).encode("utf-8")


def _book_from_json(blob: bytes, key: str) -> Rulebook | None:
    outer = json.loads(blob.decode("utf-8"))
    if not isinstance(outer, dict) or outer.get("key") != key or not isinstance(outer.get("body"), str):
        return None
    body = outer["body"]
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != outer.get("sha256"):
        return None
    data = json.loads(body)
    every = [_rule_from_data(r) for r in data["rules"]]
    by_id = {r.id: r for r in every}
    active = [by_id[i] for i in data["active"]]
    vocab = {str(k): [str(w) for w in v] for k, v in data["vocab"].items()}
    kinds = frozenset(data["kinds"]) if data["kinds"] is not None else None
    book = Rulebook(rules=active, every=every, vocab=vocab, fingerprint=str(data["fingerprint"]), by_id=by_id,
                    kinds=kinds, fields=frozenset(data["fields"]))
    if _fingerprint(active) != book.fingerprint:  # what was stored is what would be run
        return None
    return book


def _i18n_data(value: I18n | None) -> dict | None:
    return None if value is None else {"zh": value.zh, "en": value.en}


def _i18n(value: Any) -> I18n | None:
    return None if value is None else I18n(zh=value["zh"], en=value["en"])


def _rule_data(rule: Rule) -> dict:
    return {
        "id": rule.id, "family": rule.family, "severity": rule.severity, "dimension": rule.dimension,
        "title": _i18n_data(rule.title), "description": _i18n_data(rule.description),
        "message": _i18n_data(rule.message), "fix": _i18n_data(rule.fix), "basis": _i18n_data(rule.basis),
        "params": rule.params, "source": rule.source, "line": rule.line,
        "variants": [{"op": v.op, "terms": list(v.terms), "aliases": list(v.aliases), "focus": v.focus,
                      "message": _i18n_data(v.message), "severity": v.severity, "figures": list(v.figures)}
                     for v in rule.variants],
    }


def _rule_from_data(data: dict) -> Rule:
    variants = tuple(Variant(op=str(v["op"]), terms=tuple(v["terms"]), aliases=tuple(v["aliases"]),
                             focus=v["focus"], message=_i18n(v["message"]), severity=str(v["severity"]),
                             figures=tuple(v["figures"])) for v in data["variants"])
    return Rule(id=str(data["id"]), family=str(data["family"]), severity=str(data["severity"]),
                dimension=str(data["dimension"]), title=_i18n(data["title"]), description=_i18n(data["description"]),
                message=_i18n(data["message"]), fix=_i18n(data["fix"]), basis=_i18n(data["basis"]),
                params=dict(data["params"]), variants=variants, source=str(data["source"]), line=data["line"])


def _write_cached(key: str, book: Rulebook) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".rules-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_book_to_json(key, book))
            os.replace(tmp, _cache_path(directory, key))  # atomic: readers see all or nothing
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(directory.glob("rules-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
        for old in directory.glob("rules-*.pickle"):  # the old format is never read: gone
            old.unlink(missing_ok=True)
    except Exception:  # a read-only or full disk: the cache is only an optimisation
        return


def _load_or_build(files: list[Path], config: Config) -> Rulebook:
    sources = [(path, _read_source(path)) for path in files]
    key = content_key(sources, config)
    book = _read_cached(key)
    if book is None:
        book = _build(sources, config)  # built from the very bytes the key was computed on
        _write_cached(key, book)
    return book


def _read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RuleFileError(path, f"无法读取 / cannot read: {exc.strerror or exc}") from exc


def _rule_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for directory in dirs:
        if not directory.is_dir():
            raise RuleFileError(directory, "规则目录不存在 / rule directory not found")
        files.extend(sorted(p for p in directory.glob("*.yaml") if p.is_file()))
    return files


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _build(sources: list[tuple[Path, bytes]], config: Config) -> Rulebook:
    vocab: dict[str, list[str]] = {}
    specs: list[tuple[RuleSpec, str, Path, int | None]] = []
    for path, data in sources:
        if path.name == LABELS_FILE:
            _check_labels(path, data)
        elif path.name == VOCAB_FILE:
            for name, words in _load_vocab(path, data).items():
                vocab.setdefault(name, [])
                vocab[name].extend(w for w in words if w not in vocab[name])
        else:
            family, rules = _load_rule_file(path, data)
            specs.extend((spec, family, path, line) for spec, line in rules)

    seen: dict[str, Path] = {}
    for spec, family, path, line in specs:
        if spec.id in seen:
            raise RuleFileError(path, f"规则编号重复（已在 {seen[spec.id]} 中定义）/ duplicate id (also in {seen[spec.id]})",
                                spec.id, line)
        if not spec.id.startswith(family) or not spec.id[len(family):].isdigit():
            raise RuleFileError(path, f"规则编号与 family {family} 不符 / id does not belong to family {family}", spec.id, line)
        seen[spec.id] = path

    _check_config_ids(config, set(seen))
    every: list[Rule] = []
    for spec, family, path, line in specs:
        every.append(_compile(spec, family, path, line, config, vocab))
    every.sort(key=lambda r: r.id)
    active = [r for r in every if _selected(r.id, config)]
    book = Rulebook(rules=active, every=every, vocab=vocab, by_id={r.id: r for r in every})
    book.fingerprint = _fingerprint(active)
    book.kinds, book.fields = _needs(active)
    return book


def _needs(rules: list[Rule]) -> tuple[frozenset[str] | None, frozenset[str]]:
    """Which fact kinds and fields the rules' conditions can see: facts of other kinds, and other
    fields, cannot change what fires, so the engine need not be sent them."""
    kinds: set[str] | None = {END_KIND}
    fields: set[str] = {"kind"}
    for rule in rules:
        for variant in rule.variants:
            for term in variant.terms:
                (alias, cond), = term.items()
                names = set(variant.aliases) | {a for t in variant.terms for a in t if not a.endswith("$not")} \
                    | {a[:-4] for t in variant.terms for a in t if a.endswith("$not")}
                _fields(cond, names, fields)
                kind = _kind_of(cond)
                if kind is None:
                    kinds = None
                elif kinds is not None:
                    kinds.add(kind)
    return (frozenset(kinds) if kinds is not None else None), frozenset(fields)


def _kind_of(cond: Any) -> str | None:
    """The `kind` a condition requires (plain key or inside a top-level $and), else None."""
    if isinstance(cond, dict):
        if isinstance(cond.get("kind"), str):
            return cond["kind"]
        for part in cond.get("$and", []) if isinstance(cond.get("$and"), list) else []:
            if isinstance(part, dict) and isinstance(part.get("kind"), str):
                return part["kind"]
    return None


def _fields(node: Any, aliases: set[str], out: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _fields(item, aliases, out)
    elif isinstance(node, dict):
        if len(node) == 1:
            (key, value), = node.items()
            if key in aliases and isinstance(value, str):  # a join reference {alias: field}
                out.add(value)
                return
        for key, value in node.items():
            if not key.startswith("$"):
                out.add(key)
            _fields(value, aliases, out)


def _load_yaml(path: Path, data: bytes) -> tuple[Any, Any]:
    """(node tree, data) of one YAML file: the nodes give each rule's line for messages."""
    import yaml

    key = (str(path), hashlib.sha256(data).digest())
    cached = _FILE_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(path, f"不是 UTF-8 文本 / not UTF-8: {exc}") from exc
    try:
        try:  # libyaml when present (several times faster); same nodes, same constructor
            loader = yaml.CSafeLoader(text)
        except AttributeError:
            loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError:
        # Errors are reported by the pure-Python parser, whose messages and marks are the
        # documented ones (and which has the last word on what is valid).
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise RuleFileError(path, f"YAML 语法错误 / YAML syntax error: {getattr(exc, 'problem', exc)}",
                                line=mark.line + 1 if mark else None) from exc
    _FILE_CACHE[key] = (node, value)
    return node, value


def label_files(config: Config | None) -> list[str]:
    """The users' labels.yaml files, in the order of their rule directories."""
    return [str(d / LABELS_FILE) for d in rule_dirs(config)[1:] if (d / LABELS_FILE).is_file()]


def _check_labels(path: Path, raw: bytes) -> None:
    """A user's labels.yaml: `fields: {FIELD: [synonym, …]}` for fields the extractor knows."""
    from checker.extract.vocabulary import FIELD_LABELS

    _, data = _load_yaml(path, raw)
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise RuleFileError(path, "应为 fields: {栏目: [同义词, …]} / expected fields: {FIELD: [synonym, …]}")
    known = {field for field, _ in FIELD_LABELS.values()}
    for name, labels in fields.items():
        if name not in known:
            raise RuleFileError(path, f"未知的栏目 {name!r}（可用：{'、'.join(sorted(known))}）/ unknown field {name!r}")
        if not isinstance(labels, list) or not all(isinstance(w, str) and w.strip() for w in labels):
            raise RuleFileError(path, f"栏目 {name!r} 应为非空字符串列表 / {name!r} must be a list of strings")


def _load_vocab(path: Path, raw: bytes) -> dict[str, list[str]]:
    _, data = _load_yaml(path, raw)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleFileError(path, "词表应为 名称: [词, …] 的映射 / vocabulary must map NAME to a list of words")
    for name, words in data.items():
        if not isinstance(name, str) or not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(path, f"词表 {name!r} 应为非空字符串列表 / vocabulary {name!r} must be a list of strings")
    return data


def _rule_lines(node: Any) -> list[int | None]:
    """1-based line of each item of the top-level `rules` list (for error messages)."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _load_rule_file(path: Path, raw: bytes) -> tuple[str, list[tuple[RuleSpec, int | None]]]:
    node, data = _load_yaml(path, raw)
    lines = _rule_lines(node)
    if not isinstance(data, dict):
        raise RuleFileError(path, "规则文件应含 family 和 rules / a rule file needs `family` and `rules`")
    raw_rules = data.get("rules")
    # Validate rule by rule so the error names the rule id and its line.
    if isinstance(raw_rules, list):
        for index, raw in enumerate(raw_rules):
            line = lines[index] if index < len(lines) else None
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            try:
                RuleSpec.model_validate(raw)
            except ValidationError as exc:
                raise RuleFileError(path, _pydantic_detail(exc), rule_id, line) from exc
    try:
        spec = RuleFileSpec.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(path, _pydantic_detail(exc)) from exc
    return spec.family, [(rule, lines[i] if i < len(lines) else None) for i, rule in enumerate(spec.rules)]


def _pydantic_detail(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)


# ---- config application ---------------------------------------------------------------------

def _matches(rule_id: str, patterns: list[str]) -> bool:
    return any(rule_id.startswith(p) for p in patterns)


def _selected(rule_id: str, config: Config) -> bool:
    if config.select and not _matches(rule_id, config.select):
        return False
    return not _matches(rule_id, config.ignore)


def _check_config_ids(config: Config, ids: set[str]) -> None:
    for option in ("select", "ignore"):
        for pattern in getattr(config, option):
            if not any(i.startswith(pattern) for i in ids):
                raise RuleFileError(config.source, f"{option} 中的 {pattern!r} 不对应任何规则 / "
                                                    f"{option}: {pattern!r} matches no rule")
    for rule_id, level in config.severity.items():
        if rule_id not in ids:
            raise RuleFileError(config.source, f"severity 中的规则 {rule_id} 不存在 / unknown rule {rule_id} in severity")
        if level not in SEVERITIES:
            raise RuleFileError(config.source, f"severity.{rule_id} = {level!r}，应为 error/warning/info / "
                                                f"must be error/warning/info")
    for rule_id in config.params:
        if rule_id not in ids:
            raise RuleFileError(config.source, f"params 中的规则 {rule_id} 不存在 / unknown rule {rule_id} in params")


def _effective_params(spec: RuleSpec, config: Config, path: Path, line: int | None) -> dict:
    params = dict(spec.params)
    for name, value in (config.params.get(spec.id) or {}).items():
        if name not in params:
            raise RuleFileError(config.source, f"规则 {spec.id} 没有参数 {name} / rule {spec.id} has no param {name!r} "
                                                f"(有 / has: {', '.join(params) or '—'})")
        default = params[name]
        if type(value) is not type(default) or not _scalar_param(value):
            raise RuleFileError(config.source, f"params.{spec.id}.{name} = {value!r}：应与默认值 {default!r} 同类型 / "
                                                f"must have the type of its default")
        params[name] = value
    return params


# ---- compiling a rule -----------------------------------------------------------------------

def _compile(spec: RuleSpec, family: str, path: Path, line: int | None, config: Config,
             vocab: dict[str, list[str]]) -> Rule:
    params = _effective_params(spec, config, path, line)
    severity = config.severity.get(spec.id, spec.severity)
    raw_variants = spec.variants or [VariantSpec(when=spec.when or {}, focus=spec.focus)]
    variants = []
    for raw in raw_variants:
        try:
            op, terms, aliases = _shape(raw.when)
            terms = _substitute(terms, params, vocab)
            _check_regexes(terms)
        except ValueError as exc:
            raise RuleFileError(path, f"when: {exc}", spec.id, line) from exc
        if raw.focus is not None and raw.focus not in aliases:
            raise RuleFileError(path, f"focus {raw.focus!r} 不是 when 中的别名 / is not an alias of `when` {aliases}",
                                spec.id, line)
        message = raw.message or spec.message
        for text in (message.zh, message.en, spec.fix.zh, spec.fix.en):
            problem = _template_problem(text, aliases, params)
            if problem:
                raise RuleFileError(path, problem, spec.id, line)
        if config.severity.get(spec.id):
            vsev = severity
        else:
            vsev = raw.severity or severity
        figures = tuple(spec.figures) if spec.figures is not None else tuple(_template_names(message.zh))
        variants.append(Variant(op=op, terms=tuple(terms), aliases=aliases, focus=raw.focus,
                                message=message, severity=vsev, figures=figures))
    return Rule(id=spec.id, family=family, severity=severity, dimension=spec.dimension, title=spec.title,
                description=spec.description, message=spec.message, fix=spec.fix, basis=spec.basis,
                params=params, variants=tuple(variants), source=str(path), line=line)


def _shape(when: dict[str, Any]) -> tuple[str, list[dict], tuple[str, ...]]:
    """Normalise `when` to (op, [{alias: cond}, ...]) and insert the end-of-facts barrier."""
    if not isinstance(when, dict) or len(when) != 1:
        raise ValueError("expected one key: an alias, `all` or `any`")
    (key, value), = when.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"`{key}` needs a non-empty list of {{alias: condition}}")
        op, terms = key, value
    else:
        op, terms = "all", [{key: value}]
    aliases: list[str] = []
    out: list[dict] = []
    barrier_done = False
    for term in terms:
        if not isinstance(term, dict) or len(term) != 1:
            raise ValueError("each element must be {alias: condition}")
        (alias, cond), = term.items()
        negated = alias.endswith("$not")
        name = alias[:-4] if negated else alias
        if not _ALIAS.match(name) or name == END_ALIAS or name in aliases:
            raise ValueError(f"bad or repeated alias {alias!r} (lower-case identifier)")
        if not isinstance(cond, dict):
            raise ValueError(f"condition of {alias!r} must be a mapping")
        if negated:
            if op != "all":
                raise ValueError("`$not` is only allowed inside `all`")
            if not barrier_done:
                out.append({END_ALIAS: {"kind": END_KIND}})
                barrier_done = True
        else:
            aliases.append(name)
        out.append({alias: cond})
    if not aliases:
        raise ValueError("at least one positive (non-$not) alias is needed")
    return op, out, tuple(aliases)


def _substitute(node: Any, params: dict, vocab: dict[str, list[str]]) -> Any:
    if isinstance(node, dict):
        return {k: _substitute(v, params, vocab) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, params, vocab) for v in node]
    if isinstance(node, float):
        raise ValueError(f"float {node!r} in a condition: use integers (分, basis points)")
    if isinstance(node, str):
        match = _PARAM_REF.match(node)
        if match:
            name = match.group(1)
            if name not in params:
                raise ValueError(f"unknown param {node!r}")
            return params[name]
        if "$params." in node:
            raise ValueError(f"{node!r}: `$params.NAME` must be the whole string")

        def vocab_alt(m: re.Match) -> str:
            name = m.group(1)
            if name not in vocab:
                raise ValueError(f"unknown vocabulary {name!r} (rules/vocabulary.yaml)")
            bad = [w for w in vocab[name] if _REGEX_REFUSED & set(w)]
            if bad:  # fine for Python-side lists, not inside a durable_rules regex
                raise ValueError(f"vocabulary {name!r} used in a regex contains [ ] ^ % or a backslash: {bad}")
            return "(" + "|".join(_literal(w) for w in vocab[name]) + ")"

        return _VOCAB_REF.sub(vocab_alt, node)
    return node


def _check_regexes(node: Any) -> None:
    """Refuse what durable_rules silently mishandles: a condition mapping with several keys (only
    the first is tested), `%` in a regex (no ruleset) and backslashes in a regex (never match)."""
    if isinstance(node, list):
        for item in node:
            _check_regexes(item)
    elif isinstance(node, dict):
        if len(node) > 1 and set(node) != {"$l", "$r"}:
            raise ValueError(f"a condition mapping may hold one test only, {sorted(node)} found "
                             "(durable_rules would test the first and ignore the rest): combine with $and")
        for key, value in node.items():
            if key in ("$mt", "$imt") and isinstance(value, dict):
                for field_name, pattern in value.items():
                    if isinstance(pattern, str) and ("%" in pattern or "\\" in pattern):
                        raise ValueError(f"regex for {field_name!r} contains % or a backslash, which durable_rules "
                                         f"cannot use ({pattern!r}); see rules/README.md")
                    problem = regex_problem(pattern) if isinstance(pattern, str) else "a regex must be a string"
                    if problem:
                        raise ValueError(f"regex for {field_name!r} refused before durable_rules compiles it: {problem} "
                                         f"({pattern[:80]!r})")
            _check_regexes(value)


MAX_REGEX_CHARS = 2000  # the longest built-in pattern (a vocabulary alternation) is ~600
MAX_REGEX_REPEAT = 100  # {n,m} counts: durable_rules builds a state machine per repetition
MAX_REGEX_ALTERNATIVES = 400  # branches of one alternation
MAX_REGEX_DEPTH = 10  # nested groups


def regex_problem(pattern: str) -> str | None:
    """Why a rule's regex may not reach durable_rules, or None. durable_rules compiles it into a
    state machine in C, where nothing can interrupt it: nested quantifiers ((a*)*, (x+)+),
    huge repetition counts and deep nesting make that never end or exhaust memory, so they are
    refused here, by Python's own parser of the same syntax."""
    import re._parser as sre_parse  # the standard library's regex parser (re.sre_parse before 3.11)

    if len(pattern) > MAX_REGEX_CHARS:
        return f"longer than {MAX_REGEX_CHARS} characters"
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regex: {exc}"
    repeats = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None))

    def walk(items, depth: int, under_repeat: bool) -> str | None:
        if depth > MAX_REGEX_DEPTH:
            return f"groups nested more than {MAX_REGEX_DEPTH} deep"
        for op, arg in items:
            if op in repeats:
                low, high, body = arg
                if (high != sre_parse.MAXREPEAT and high > MAX_REGEX_REPEAT) or low > MAX_REGEX_REPEAT:
                    return f"a repetition count over {MAX_REGEX_REPEAT}"
                repeated = high == sre_parse.MAXREPEAT or high > 1
                if under_repeat and repeated:
                    return "a quantifier inside a quantified group (nested quantifiers like (a*)* never finish)"
                found = walk(body, depth + 1, under_repeat or repeated)
            elif op == sre_parse.SUBPATTERN:
                found = walk(arg[-1], depth + 1, under_repeat)
            elif op == sre_parse.BRANCH:
                if len(arg[1]) > MAX_REGEX_ALTERNATIVES:
                    return f"more than {MAX_REGEX_ALTERNATIVES} alternatives"
                found = next((p for b in arg[1] if (p := walk(b, depth + 1, under_repeat))), None)
            else:
                found = None
            if found:
                return found
        return None

    return walk(tree, 0, False)


_TEMPLATE_SPEC = re.compile(r"^(?:\.[0-9]f)?$")  # only "" or a precision such as .2f
_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?$")


def _literal(word: str) -> str:
    """A word as a durable_rules regex: metacharacters in a class (backslash escapes don't match)."""
    return "".join(f"[{c}]" if c in _REGEX_META else c for c in word)


def _template_names(text: str) -> list[str]:
    names: list[str] = []
    for _, name, _, _ in string.Formatter().parse(text):
        if name and name not in names:
            names.append(name)
    return names


def _template_problem(text: str, aliases: tuple[str, ...], params: dict) -> str | None:
    """Templates name plain fields only: `{field}`, `{alias.field}`, `{params.name}`, with no
    conversion and no format spec but a precision (`{x:.2f}`). Nothing else: a spec like
    `{m.name:>400000000}` would build a gigabyte per finding, and attribute chains like
    `{m.__class__.__init__.__globals__}` would print the checker's internals into a report."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        return f"模板语法错误 / template syntax: {exc}: {text!r}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if conversion or not _TEMPLATE_SPEC.match(spec or "") or "{" in (spec or ""):
            return (f"模板只允许字段名和小数位数（如 {{x:.2f}}）/ templates allow field names and a precision "
                    f"(e.g. {{x:.2f}}) only: {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}")
        if not _TEMPLATE_NAME.match(name):
            return f"模板字段名无效 / not a plain field name in template: {{{name}}}"
    try:
        names = _template_names(text)
    except ValueError as exc:
        return f"模板语法错误 / template syntax: {exc}: {text!r}"
    for name in names:
        if "[" in name:
            return f"模板不支持下标 / no indexing in templates: {{{name}}}"
        head, _, rest = name.partition(".")
        if not rest:
            continue
        if head == "params":
            if rest not in params:
                return f"模板引用了未知参数 / unknown param in template: {{{name}}}"
        elif head not in aliases:
            return f"模板引用了未知别名 / unknown alias in template: {{{name}}} (aliases: {', '.join(aliases)})"
    return None


def _fingerprint(rules: list[Rule]) -> str:
    payload = [
        [r.id, [[v.op, list(v.terms), v.severity] for v in r.variants]]
        for r in rules
    ]
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


# ---- listing and explaining (for `jixiao rules` / `jixiao explain`) -------------------------



def rule_summary(rule: Rule, lang: str = "zh") -> dict:
    """One rule as plain data: what `jixiao rules --format json` prints."""
    return {
        "id": rule.id,
        "family": rule.family,
        "severity": rule.severity,
        "dimension": rule.dimension,
        "title": rule.title.get(lang),
        "description": rule.description.get(lang) if rule.description else "",
        "basis": rule.basis.get(lang),
        "fix": rule.fix.get(lang),
        "params": dict(rule.params),
    }


def rule_examples(rule_id: str) -> tuple[dict | None, dict | None]:
    """The first failing and the first passing case of fixtures/cases/<ID>.yaml (None if absent)."""
    import yaml

    path = CASES_DIR / f"{rule_id}.yaml"
    if not path.is_file():
        return None, None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return None, None
    cases = [c for c in data.get("cases", []) if isinstance(c, dict)]
    failing = next((c for c in cases if c.get("expect") == "fail" and c.get("lang", "zh") == "zh"), None)
    passing = next((c for c in cases if c.get("expect") == "pass"), None)
    return failing, passing
