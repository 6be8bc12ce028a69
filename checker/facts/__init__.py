"""Submission -> facts: flat dicts the rule engine matches on.

Each family module (structure, amounts, indicators, consistency, residue, contacts) exposes
`facts(submission, ctx) -> Iterable[dict]`; `build_facts` is their union. All arithmetic is
done here, in Python with Decimal: the engine only sees integers (分, counts, basis points),
booleans and strings, so a rule never computes and never meets a float.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

from checker.model import CENT, TEN_THOUSAND, Location, Money, Submission

# Order matters only for determinism of fids; every module is optional while it is being written.
FAMILY_MODULES = ("structure", "amounts", "indicators", "consistency", "residue", "contacts")

END_KIND = "end_of_facts"  # asserted last by the engine; negated conditions wait for it
RESERVED_KEYS = frozenset({"id", "sid"})
MAX_KEYS = 249
COMMON_KEYS = ("fid", "kind", "form", "loc")


class FactError(ValueError):
    """A fact builder produced something the engine must not see (a bug, never user input)."""


class FactContext:
    """What a fact builder gets besides the submission: ids, the location table, params, vocab."""

    def __init__(self, params: Mapping[str, Mapping[str, Any]] | None = None,
                 vocab: Mapping[str, list[str]] | None = None):
        self.params: Mapping[str, Mapping[str, Any]] = params or {}
        self.vocab: Mapping[str, list[str]] = vocab or {}
        self.locations: list[Location | None] = [None]  # index 0: no location
        self._loc_index: dict[Location, int] = {}
        self._next = 0

    def fid(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}{self._next}"

    def loc(self, location: Location | None) -> int:
        if location is None:
            return 0
        index = self._loc_index.get(location)
        if index is None:
            index = len(self.locations)
            self.locations.append(location)
            self._loc_index[location] = index
        return index

    def location(self, index: int) -> Location | None:
        return self.locations[index] if 0 <= index < len(self.locations) else None

    def param(self, rule: str, name: str, default: Any = None) -> Any:
        return self.params.get(rule, {}).get(name, default)

    def words(self, name: str) -> list[str]:
        return list(self.vocab.get(name, ()))

    def base(self, kind: str, form_index: int, form: Any = None, location: Location | None = None) -> dict:
        """The common keys of a fact: fid, kind, form, form_kind, loc."""
        form_kind = getattr(form, "kind", None) or "document"
        return {
            "fid": self.fid(kind[:3]),
            "kind": kind,
            "form": form_index,
            "form_kind": form_kind,
            "loc": self.loc(location),
        }


def build_facts(submission: Submission, params: Mapping[str, Mapping[str, Any]] | None = None,
                ctx: FactContext | None = None) -> list[dict]:
    """The union of every family's facts, validated (unique fid, allowed keys and types)."""
    ctx = ctx or FactContext(params)
    out: list[dict] = []
    seen: set[str] = set()
    for module in _modules():
        for fact in module.facts(submission, ctx):
            _validate(fact, module.__name__, seen)
            out.append(fact)
    return out


_MODULE_CACHE: list | None = None


def _modules() -> list:
    global _MODULE_CACHE
    if _MODULE_CACHE is None:
        found = []
        for name in FAMILY_MODULES:
            qualified = f"{__name__}.{name}"
            try:
                found.append(importlib.import_module(qualified))
            except ModuleNotFoundError as exc:
                if exc.name != qualified:  # a real missing dependency inside the module
                    raise
        _MODULE_CACHE = found
    return _MODULE_CACHE


def _validate(fact: dict, origin: str, seen: set[str]) -> None:
    for key in COMMON_KEYS:
        if key not in fact:
            raise FactError(f"{origin}: fact without {key!r}: {fact!r:.200}")
    if RESERVED_KEYS & fact.keys():
        raise FactError(f"{origin}: fact uses a reserved key (id/sid): {fact!r:.200}")
    if len(fact) > MAX_KEYS:
        raise FactError(f"{origin}: fact {fact['kind']} has {len(fact)} keys (max {MAX_KEYS})")
    if fact["fid"] in seen:
        raise FactError(f"{origin}: duplicate fid {fact['fid']}")
    seen.add(fact["fid"])
    for key, value in fact.items():
        if type(value) in _SCALARS:  # the common case, one set lookup
            continue
        if not _allowed(value):
            raise FactError(f"{origin}: {fact['kind']}.{key} has type {type(value).__name__}; "
                            "facts carry int/bool/str (or lists of them), never float/Decimal/None")


_SCALARS = frozenset({str, int, bool})


def _allowed(value: Any) -> bool:
    if isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, list):
        return all(isinstance(v, (bool, int, str)) for v in value)
    return False


# ---- helpers shared by the fact builders ---------------------------------------------------

def to_fen(wan: Decimal) -> int:
    """万元 -> integer 分, half-up (the unit the engine compares in)."""
    return int((wan * TEN_THOUSAND * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def wan_display(wan: Decimal) -> str:
    """万元 for messages: two decimals, half-up ("563.80")."""
    return str(wan.quantize(CENT, rounding=ROUND_HALF_UP))


def money_display(money: Money | None) -> str:
    return wan_display(money.wan) if money is not None else "—"


def fen_display(fen: int) -> str:
    """An integer of 分 as 万元 with two decimals ("0.09")."""
    return wan_display(Decimal(fen) / (TEN_THOUSAND * 100))


def plain_number(value: Decimal) -> str:
    """A number as people write it: no exponent, no trailing zeros ("0.08", "20000")."""
    text = format(value.normalize(), "f")
    return text


_KEY_DROP = re.compile(r"[\s\u3000·•,，.。、;；:：!！?？'\"“”‘’()（）\[\]【】《》<>〈〉{}/\\_\-—–~～]+")


def name_key(text: str | None) -> str:
    """A comparison key for names: NFKC, no spaces or punctuation, lower case."""
    if not text:
        return ""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def text_of(value: Any) -> str:
    """The stripped text of a model Text (or "" when absent)."""
    if value is None:
        return ""
    return (getattr(value, "value", value) or "").strip()
