"""The on-disk cache of compiled rulebooks (checker.rulebook): keyed on the rule files' content,
so an edited rule is never served stale, and never more than an optimisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import rulebook
from checker.config import Config
from checker.rulebook import RuleFileError, load_rulebook
from test_engine import GOOD_RULE

RULE = GOOD_RULE  # one rule file, as the engine tests use it


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(rulebook.CACHE_ENV, str(directory))
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})  # the in-process cache would hide the disk
    return directory


def _rules(tmp_path: Path, text: str, name: str = "rules") -> Config:
    directory = tmp_path / name
    directory.mkdir(exist_ok=True)
    (directory / "extra.yaml").write_text(text, encoding="utf-8")
    return Config(rule_dirs=[directory])


def _no_build(*_args, **_kwargs):
    raise AssertionError("built although a cached rulebook was expected")


def test_a_second_process_reads_the_compiled_rulebook_from_disk(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE)
    built = load_rulebook(config)
    assert len(list(cache.glob("rules-*.json"))) == 1
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    monkeypatch.setattr(rulebook, "_build", _no_build)
    cached = load_rulebook(config)
    assert cached == built and cached.fingerprint == built.fingerprint
    assert cached.get("X01").message.zh == "项目支出 {project} 万元"


def test_an_edited_rule_file_is_never_served_from_the_cache(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE)
    before = load_rulebook(config)
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    _rules(tmp_path, RULE.replace("项目支出 {project} 万元", "项目支出为 {project} 万元"))
    after = load_rulebook(config)
    assert after.get("X01").message.zh == "项目支出为 {project} 万元"
    assert after.fingerprint == before.fingerprint  # conditions unchanged; the message is not
    # Back to the first text: its entry is still valid and is used.
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    _rules(tmp_path, RULE)
    monkeypatch.setattr(rulebook, "_build", _no_build)
    assert load_rulebook(config).get("X01").message.zh == "项目支出 {project} 万元"


def test_the_configuration_is_part_of_the_key(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE)
    load_rulebook(config)
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    tuned = Config(rule_dirs=config.rule_dirs, params={"X01": {"limit_fen": 1}}, severity={"X01": "error"})
    book = load_rulebook(tuned)
    assert book.get("X01").params == {"limit_fen": 1} and book.get("X01").severity == "error"


def test_a_broken_or_foreign_cache_entry_is_rebuilt(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE)
    built = load_rulebook(config)
    (entry,) = cache.glob("rules-*.json")
    for garbage in (b"", b"not a pickle", entry.read_bytes()[:50]):
        entry.write_bytes(garbage)
        monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
        assert load_rulebook(config) == built
    # A valid entry stored under another key (a renamed or copied file) is not trusted either.
    other = _rules(tmp_path, RULE.replace("测试", "另一个"), "other-rules")
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    load_rulebook(other)
    (second,) = [p for p in cache.glob("rules-*.json") if p != entry]
    entry.write_bytes(second.read_bytes())
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    assert load_rulebook(config).get("X01").basis.zh == "测试"


def test_errors_are_not_cached(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE.replace("severity: info", "severity: loud"))
    for _ in range(2):
        with pytest.raises(RuleFileError, match="severity"):
            load_rulebook(config)
        monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    assert not list(cache.glob("rules-*.json"))


def test_an_empty_cache_setting_keeps_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv(rulebook.CACHE_ENV, "")
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rulebook.cache_dir() is None
    assert load_rulebook(_rules(tmp_path, RULE)).get("X01") is not None
    assert not list(tmp_path.rglob("rules-*.json"))


def test_cache_dir_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv(rulebook.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if rulebook.sys.platform.startswith("linux"):
        assert rulebook.cache_dir() == tmp_path / "xdg" / "jixiao"


def test_an_unwritable_cache_dir_is_only_slower(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(rulebook.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
    assert load_rulebook(_rules(tmp_path, RULE)).get("X01") is not None


def test_old_entries_are_pruned(cache, tmp_path, monkeypatch):
    config = _rules(tmp_path, RULE)
    for limit in range(rulebook.CACHE_KEEP + 3):
        monkeypatch.setattr(rulebook, "_BOOK_CACHE", {})
        load_rulebook(Config(rule_dirs=config.rule_dirs, params={"X01": {"limit_fen": limit}}))
    assert len(list(cache.glob("rules-*.json"))) == rulebook.CACHE_KEEP
