"""Facts -> findings with durable_rules (the only module that imports it).

The rulebook compiles to one durable_rules ruleset per effective content (its fingerprint),
registered once per process on a Host whose every action is the same "record the match"
closure. Each submission gets its own session (sid): facts are asserted one at a time
(synchronous; batch calls run actions later on a timer thread), then an end-of-facts fact
releases negated conditions, then the state is checked for swallowed action exceptions and
deleted. Findings are rendered in Python from the recorded matches.
"""

from __future__ import annotations

import itertools
import json
import string
import threading
import time
from typing import Any, Iterable, Mapping

try:
    import durable_rules_engine
except ImportError as exc:  # durable-rules compiled for Python 3.13 without the fix: say how to fix it
    if "PyEval_CallObject" not in str(exc):
        raise
    raise ImportError(
        "durable-rules 未按 Python 3.13 的方式编译 / was compiled without the Python 3.13 fix: "
        "python scripts/engine_wheel.py wheels && pip install --force-reinstall --no-deps --find-links wheels "
        "durable-rules (README: Python 3.13)"
    ) from exc
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from checker.config import Config
from checker.facts import END_KIND, FactContext, build_facts, name_key
from checker.model import Finding, Location, Submission
from checker.rulebook import Rule, Rulebook, RuleFileError, load_rulebook

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
END_RULE = "__end__"


# A timer's signal handler must not raise inside durable_rules: its C core calls back into Python
# (actions, the host's hooks), and an exception raised there is printed and swallowed while the
# engine carries on. While a session runs, `interrupt` keeps the exception instead and the session
# raises it itself between two fact asserts, where nothing of the engine is on the stack.
_inside_engine = 0
_pending_interrupt: BaseException | None = None


def interrupt(exc: BaseException) -> bool:
    """For a signal handler: inside a session, keep `exc` to be raised at the session's next safe
    point and return True; outside, return False (the caller raises it itself)."""
    global _pending_interrupt
    if _inside_engine:
        _pending_interrupt = exc
        return True
    return False


def _safe_point() -> None:
    """Raise a kept interrupt, if any (called between fact asserts)."""
    global _pending_interrupt
    if _pending_interrupt is not None:
        exc, _pending_interrupt = _pending_interrupt, None
        raise exc


class EngineError(RuntimeError):
    """The engine failed on a submission (an action raised, a fact was rejected...).
    Never a normal outcome: the pipeline reports it as an internal error for the file."""


class _RecordingHost(Host):
    """A Host without background dispatch threads whose actions record matches in a list."""

    def __init__(self) -> None:
        self.sink: list[tuple[str, dict]] | None = None
        self.errors: list[str] = []
        super().__init__()

    def _run(self) -> None:
        # The stock host starts two timer threads that dispatch queued actions; we never queue
        # (facts are asserted one at a time and actions run inside assert_fact), so no threads.
        return None

    def get_action(self, action_name: str):
        host = self

        def record(c):  # one parameter: durable_rules runs it synchronously
            if action_name == END_RULE:
                return
            try:
                host.sink.append((action_name, _snapshot(c.__dict__.get("_m"))))
            except BaseException as exc:  # surfaced after the assert, never swallowed
                host.errors.append(f"{action_name}: {type(exc).__name__}: {exc}")
                raise

        return record


def _snapshot(raw: Any) -> dict:
    """The matched facts by alias, copied out of the engine's message."""
    if not isinstance(raw, dict):
        raise EngineError(f"unexpected match shape: {type(raw).__name__}")
    return {alias: dict(fact) for alias, fact in raw.items()}


_LOCK = threading.RLock()
_HOST: _RecordingHost | None = None
_REGISTERED: set[str] = set()
_SIDS = itertools.count(1)
_LIVE: set[str] = set()


def _host() -> _RecordingHost:
    global _HOST
    if _HOST is None:
        _HOST = _RecordingHost()
    return _HOST


def ruleset_name(book: Rulebook) -> str:
    return f"jixiao_{book.fingerprint}"


def _ensure_ruleset(book: Rulebook) -> str:
    name = ruleset_name(book)
    if name in _REGISTERED:
        return name
    host = _host()
    definition = {name: _definition(book)}
    try:
        host.set_rulesets(definition)  # a fresh dict: durable_rules deletes 'run' keys in it
    except Exception as exc:
        culprit = _find_bad_rule(book)
        if culprit is not None:
            raise RuleFileError(culprit.source, f"durable_rules 无法编译该规则 / durable_rules cannot compile it: {exc}",
                                culprit.id, culprit.line) from exc
        raise EngineError(f"cannot register ruleset: {exc}") from exc
    _REGISTERED.add(name)
    return name


def _definition(book: Rulebook) -> dict:
    # Every session must run at least one action: durable_rules 2.0.28 crashes (SIGSEGV) in
    # delete_state for a session in which no action ever ran. The end-of-facts fact always
    # fires this internal rule, which also keeps a ruleset valid when no rule is active.
    rules: dict[str, dict] = {END_RULE: {"all": [{"m": {"kind": END_KIND}}], "run": END_RULE}}
    for rule in book.rules:
        for index in range(len(rule.variants)):
            key = f"{rule.id}#{index}"
            body = rule.condition(index)
            body["run"] = key
            rules[key] = body
    return rules


def _find_bad_rule(book: Rulebook) -> Rule | None:
    """Register each rule alone (under a throwaway name) to name the one durable_rules refuses."""
    host = _host()
    for rule in book.rules:
        trial = {f"jixiao_probe_{next(_SIDS)}": {f"{rule.id}#{i}": dict(rule.condition(i), run=f"{rule.id}#{i}")
                                                 for i in range(len(rule.variants))}}
        try:
            host.set_rulesets(trial)
        except Exception:
            return rule
    return None


def live_sessions() -> int:
    """Sessions opened and not yet deleted (0 between evaluations)."""
    return len(_LIVE)


def session_exists(ruleset: str, sid: str) -> bool:
    """Ask durable_rules itself whether a session's state still exists (for tests)."""
    try:
        _host().get_state(ruleset, sid)
    except Exception:
        return False
    return True


def evaluate(submission: Submission, config: Config | None = None, lang: str = "zh",
             timings: dict[str, float] | None = None) -> list[Finding]:
    """Every finding of the active rules for one submission, sorted deterministically.
    `timings`, when given, receives seconds spent building facts ("facts") and in the rule
    engine, rulebook lookup and rendering included ("engine")."""
    start = time.perf_counter()
    config = config or Config()
    book = load_rulebook(config)
    ctx = FactContext({r.id: r.params for r in book.every}, book.vocab)
    facts_start = time.perf_counter()
    facts = build_facts(submission, ctx.params, ctx)
    facts_end = time.perf_counter()
    matches = run_session(book, facts)
    findings = render(book, matches, ctx, lang)
    if timings is not None:
        timings["facts"] = facts_end - facts_start
        timings["engine"] = (facts_start - start) + (time.perf_counter() - facts_end)
    return findings


def run_session(book: Rulebook, facts: Iterable[dict]) -> list[tuple[str, dict]]:
    """Assert `facts` in a fresh session; return the recorded (rule#variant, {alias: fact}) matches."""
    # Refuse a bad stream before the engine sees any of it: durable_rules cannot delete a session
    # that a refused stream left half-made (a segfault in a fresh process, error 309 otherwise).
    full: dict[str, dict] = {}
    for fact in facts:
        fid = fact.get("fid") if isinstance(fact, dict) else None
        if fid is None or "kind" not in fact:
            raise EngineError(f"not a fact (no fid or kind): {str(fact)[:80]}")
        if fid in full:
            raise EngineError(f"fact asserted twice (fid {fid})")
        full[fid] = fact
    global _inside_engine
    with _LOCK:
        _inside_engine += 1
        try:
            return _run_locked(book, full)
        finally:
            _inside_engine -= 1
            if not _inside_engine:
                _safe_point()  # an interrupt kept during the session's clean-up is raised now


def _run_locked(book: Rulebook, full: dict[str, dict]) -> list[tuple[str, dict]]:
    """run_session's engine part, under the lock and with interrupts kept for the safe points."""
    name = _ensure_ruleset(book)
    host = _host()
    sid = str(next(_SIDS))
    host.sink, host.errors = [], []
    end = {"sid": sid, "fid": "__end__", "kind": END_KIND, "form": -1, "loc": 0}
    ended = False
    _LIVE.add(sid)
    try:
        kinds, keep = book.kinds, book.fields
        rules = host.get_ruleset(name)
        for fid, fact in full.items():
            if kinds is not None and fact["kind"] not in kinds:
                continue  # no active rule can match this kind
            # Only what conditions read goes to the engine; messages use the full fact.
            slim = {k: v for k, v in fact.items() if k in keep}
            slim["fid"], slim["sid"] = fid, sid
            _safe_point()
            _assert(host, rules, slim)
        _safe_point()
        ended = True
        _assert(host, rules, end)
        state = host.get_state(name, sid)
        problem = state.get("exception")
        if host.errors or problem:
            raise EngineError("; ".join(host.errors) or str(problem))
        return [(key, {alias: full.get(f.get("fid"), f) for alias, f in match.items()})
                for key, match in host.sink]
    finally:
        host.sink = []  # matches of the clean-up below are dropped, not an error inside an action
        try:
            if not ended:  # the engine refused a fact mid-stream: complete the session to delete it
                try:
                    host.assert_fact(name, end)
                except Exception:  # noqa: BLE001 - only making the state deletable
                    pass
            host.delete_state(name, sid)
        finally:
            host.sink = None
            _LIVE.discard(sid)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(fact, ensure_ascii=False)
_NOT_HANDLED, _OBSERVED, _NO_STATE = 1, 2, 3  # result codes of durable_rules_engine.assert_fact


def _assert(host: _RecordingHost, rules, fact: dict) -> None:
    """host.assert_fact(name, fact) as durable_rules 2.0.28 does it (Host._handle_function,
    Ruleset.assert_fact; pinned <3), minus its cost on the common path: most facts match no
    rule, and for each the stock host encodes the fact to JSON a second time, into the message
    of a MessageNotHandledException that is raised only to be discarded here."""
    try:
        result = durable_rules_engine.assert_fact(rules._handle, _ENCODE(fact))
        if result[0] == _NOT_HANDLED:
            return  # no rule matched this fact: the normal case
        if result[0] == _OBSERVED:
            raise MessageObservedException(fact)
        errors: list[BaseException] = []
        rules.do_actions(0 if result[0] == _NO_STATE else result[1], lambda e, _s: errors.append(e) if e else None)
        if errors:
            raise errors[0]
    except MessageNotHandledException:
        pass  # no rule matched this fact: the normal case
    except MessageObservedException as exc:
        raise EngineError(f"fact asserted twice (fid {fact.get('fid')}): {exc}") from exc
    except EngineError:
        raise
    except Exception as exc:
        if host.errors:
            raise EngineError("; ".join(host.errors)) from exc
        raise EngineError(f"durable_rules rejected fact {fact.get('kind')}/{fact.get('fid')}: {exc}") from exc


# ---- findings -------------------------------------------------------------------------------

class _Fact:
    """Attribute access to a fact's fields in templates: {dept.project}."""

    __slots__ = ("_d", "_alias", "_rule")

    def __init__(self, data: Mapping[str, Any], alias: str, rule: str):
        self._d, self._alias, self._rule = data, alias, rule

    def __getattr__(self, name: str) -> Any:
        try:
            return self._d[name]
        except KeyError:
            raise EngineError(f"rule {self._rule}: template field {self._alias}.{name} "
                              f"is not in the matched {self._d.get('kind')} fact") from None


class _Vars(dict):
    def __init__(self, rule: str, focus: Mapping[str, Any], match: Mapping[str, dict], params: Mapping[str, Any]):
        super().__init__()
        self.rule, self.focus = rule, focus
        for alias, data in match.items():
            self[alias] = _Fact(data, alias, rule)
        self["params"] = _Fact(params, "params", rule)

    def __missing__(self, key: str) -> Any:
        if key in self.focus:
            return self.focus[key]
        raise EngineError(f"rule {self.rule}: template field {{{key}}} is not in the focus "
                          f"{self.focus.get('kind')} fact")


_FORMATTER = string.Formatter()


def _fill(template: str, values: _Vars) -> str:
    return _FORMATTER.vformat(template, (), values)


def render(book: Rulebook, matches: list[tuple[str, dict]], ctx: FactContext, lang: str) -> list[Finding]:
    findings: dict[tuple, Finding] = {}
    for key, match in matches:
        rule_id, _, index = key.partition("#")
        rule = book.get(rule_id)
        if rule is None:
            raise EngineError(f"match for unknown rule {key}")
        variant = rule.variants[int(index)]
        focus_alias = variant.focus or next(a for a in variant.aliases if a in match)
        focus = match[focus_alias]
        values = _Vars(rule.id, focus, match, rule.params)
        location: Location | None = ctx.location(int(focus.get("loc", 0)))
        form = int(focus.get("form", -1))
        finding = Finding(
            rule=rule.id,
            severity=variant.severity,
            dimension=rule.dimension,
            title=rule.title.get(lang),
            message=_fill(variant.message.get(lang), values),
            fix=_fill(rule.fix.get(lang), values),
            form=form if form >= 0 else None,
            location=location.describe(lang) if location is not None else "",
            loc=location,
            figures={name: str(_FORMATTER.get_field(name, (), values)[0]) for name in variant.figures},
            subject=subject_of(focus),
        )
        dedupe = (finding.rule, finding.form, finding.location, finding.message)
        findings.setdefault(dedupe, finding)
    return sorted(findings.values(), key=_order)


# Content fields of a focus fact that say what a finding is about, in this order. Never row
# numbers, amounts, indicator values or examples: a subject must survive re-ordered rows and
# changed figures (checker.baseline builds finding fingerprints from it).
SUBJECT_FIELDS = ("level1", "level2", "name", "name_a", "name_b", "quantity_name", "label_zh", "field",
                  "source_zh", "item", "direction", "special_name", "left_zh", "right_zh", "category",
                  "aspect", "scope")


def subject_of(fact: Mapping[str, Any]) -> str:
    """The content subject of a fact: its non-empty SUBJECT_FIELDS as normalised key=value pairs."""
    return ";".join(f"{k}={name_key(str(fact[k]))}" for k in SUBJECT_FIELDS if fact.get(k) not in ("", None))


def _order(f: Finding) -> tuple:
    loc = f.loc
    where = (loc.table or 0, loc.row or 0, loc.line or 0, loc.col or 0) if loc else (0, 0, 0, 0)
    return (-1 if f.form is None else f.form, SEVERITY_ORDER[f.severity], f.rule, where, f.message)
