"""The rule engine, the rulebook and the configuration (checker/engine.py, rulebook.py, config.py)."""

from __future__ import annotations

import os
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker.engine as engine
from checker.cli import app
from checker.config import Config, ConfigError, load_config
from checker.facts import FactContext, FactError, build_facts
from checker.model import DepartmentForm, Location, Money, ProjectForm, Submission, Text
from checker.pipeline import CheckOptions, check_file, check_submission, load_submission
from checker.rulebook import RuleFileError, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = ROOT / "fixtures" / "seeds" / "000_92e3f18c72746f64.txt"
SEED_004 = ROOT / "fixtures" / "seeds" / "004_c1547cbaa6d14459.txt"
A_RULES = [f"A{i:02d}" for i in range(1, 13)]


def wan(value: str, line: int) -> Money:
    return Money(amount=Decimal(value), unit="万元", raw=value, loc=Location(line=line, col=4))


def dept(total="650.17", basic="563.89", project="86.28") -> Submission:
    form = DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, amount_unit="万元",
                          unit_name=Text(value="六盘水市科学技术协会"),
                          total=wan(total, 6), basic=wan(basic, 4), project=wan(project, 5))
    return Submission(forms=[form])


def rules_fired(findings, prefix=""):
    return sorted({f.rule for f in findings if f.rule.startswith(prefix)})


# ---- synchronous evaluation, findings ---------------------------------------------------------

def test_findings_are_synchronous_and_complete():
    findings = engine.evaluate(dept(basic="563.80"), Config(), "zh")  # no sleep, no second call
    a01 = [f for f in findings if f.rule == "A01"]
    assert len(a01) == 1
    finding = a01[0]
    assert finding.message == "资金总额 650.17 万元 ≠ 基本支出 563.80 + 项目支出 86.28 = 650.08 万元（差 0.09 万元）"
    assert finding.severity == "error" and finding.dimension == "适当性" and finding.form == 0
    assert finding.location == "第6行 第4列" and finding.loc == Location(line=6, col=4)
    assert finding.figures["computed"] == "650.08" and finding.figures["diff"] == "0.09"
    assert finding.title and finding.fix


def test_english_findings():
    finding = next(f for f in engine.evaluate(dept(basic="563.80"), Config(), "en") if f.rule == "A01")
    assert "Total funds 650.17" in finding.message and finding.location == "line 6, col 4"


def test_tolerance_is_one_hundredth_of_a_wan():
    assert "A01" not in rules_fired(engine.evaluate(dept(basic="563.894"), Config()))  # 0.004 万元
    assert "A01" not in rules_fired(engine.evaluate(dept(basic="563.88"), Config()))  # 0.01 万元
    assert "A01" in rules_fired(engine.evaluate(dept(basic="563.87"), Config()))  # 0.02 万元


def test_findings_are_deterministic_and_sorted():
    submission = load_submission(str(SEED_004))
    first = engine.evaluate(submission, Config())
    second = engine.evaluate(submission, Config())
    assert [f.model_dump() for f in first] == [f.model_dump() for f in second]
    order = [engine._order(f) for f in first]
    assert order == sorted(order)


# ---- sessions and memory ----------------------------------------------------------------------

def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_five_thousand_submissions_leave_no_session_and_flat_memory():
    book = load_rulebook(Config())
    name = engine.ruleset_name(book)
    # Facts are built once per kind of submission (the family fact builders are not under test
    # here); every iteration is a full engine session: assert, end barrier, render, delete.
    prepared = []
    for submission in (dept(basic="563.80"), dept(), load_submission(str(SEED_004))):
        ctx = FactContext({r.id: r.params for r in book.every}, book.vocab)
        prepared.append((build_facts(submission, ctx.params, ctx), ctx))
    first_sid = int(next(engine._SIDS))
    rss = []
    for i in range(5000):
        facts, ctx = prepared[0 if i % 10 < 6 else 1 if i % 10 < 9 else 2]
        fired = {f.rule for f in engine.render(book, engine.run_session(book, facts), ctx, "zh")}
        assert ("A01" in fired) == (i % 10 < 6) and ("A11" in fired) == (i % 10 == 9)
        if i in (999, 4999):
            rss.append(_rss_kb())
    assert engine.live_sessions() == 0
    last_sid = int(next(engine._SIDS))
    for sid in (first_sid + 1, (first_sid + last_sid) // 2, last_sid - 1):
        assert not engine.session_exists(name, str(sid))
    # durable_rules keeps at most 1024 live sessions: 5,000 sessions prove none leaked.
    assert rss[1] - rss[0] < 20_000, f"RSS grew from {rss[0]} kB to {rss[1]} kB"


def test_evaluate_leaves_no_session():
    for i in range(300):
        engine.evaluate(dept(basic="563.80" if i % 2 else "563.89"), Config())
    assert engine.live_sessions() == 0


def test_an_exception_in_an_action_surfaces(monkeypatch):
    def broken(raw):
        raise ValueError("boom in action")

    monkeypatch.setattr(engine, "_snapshot", broken)
    with pytest.raises(engine.EngineError, match="boom in action"):
        engine.evaluate(dept(basic="563.80"), Config())
    assert engine.live_sessions() == 0
    result = check_submission("x.txt", dept(basic="563.80"), CheckOptions())
    assert result.status == "error" and result.error.code == "internal" and "boom" in result.error.message


def test_duplicate_facts_are_impossible():
    ctx = FactContext()
    fids = {ctx.fid("x") for _ in range(10_000)}
    assert len(fids) == 10_000
    book = load_rulebook(Config())
    for complete in (False, True):  # unmatched and matched facts alike
        fact = {"fid": "f1", "kind": "dept_amounts", "form": 0, "loc": 0, "parts_complete": complete,
                "total_vs_parts_abs_fen": 900_000}
        with pytest.raises(engine.EngineError, match="asserted twice"):
            engine.run_session(book, [fact, dict(fact)])
        assert engine.live_sessions() == 0


def test_fact_validation_refuses_floats_reserved_keys_and_duplicates(monkeypatch):
    import checker.facts as facts_pkg

    class Bad:
        __name__ = "bad"

        def __init__(self, rows):
            self.rows = rows

        def facts(self, submission, ctx):
            return self.rows

    base = {"fid": "a", "kind": "k", "form": 0, "loc": 0}
    for rows, match in (([dict(base, amount=1.5)], "float"), ([dict(base, id="x")], "reserved"),
                        ([base, dict(base)], "duplicate fid"), ([dict(base, amount=Decimal(1))], "Decimal")):
        monkeypatch.setattr(facts_pkg, "_modules", lambda rows=rows: [Bad(rows)])
        with pytest.raises(FactError, match=match):
            build_facts(Submission())


def test_seed_facts_respect_the_contract():
    for seed in (SEED_000, SEED_004):
        for fact in build_facts(load_submission(str(seed))):
            assert len(fact) < 250 and not {"id", "sid"} & fact.keys()
            assert all(isinstance(v, (bool, int, str, list)) for v in fact.values()), fact


def test_ruleset_is_keyed_by_effective_content():
    default = load_rulebook(Config())
    same = load_rulebook(Config())
    tuned = load_rulebook(Config(params={"A01": {"tolerance_fen": 50}}))
    renamed = load_rulebook(Config(severity={"A01": "warning"}))
    assert engine.ruleset_name(default) == engine.ruleset_name(same)
    assert len({engine.ruleset_name(b) for b in (default, tuned, renamed)}) == 3
    engine.evaluate(dept(), Config(params={"A01": {"tolerance_fen": 50}}))
    engine.evaluate(dept(), Config(params={"A01": {"tolerance_fen": 50}}))  # registered once, no error


# ---- configuration: select / ignore / severity / params ---------------------------------------

def test_select_and_ignore_by_id_and_prefix():
    submission = load_submission(str(SEED_004))
    assert rules_fired(engine.evaluate(submission, Config(select=["A"]))) == ["A11"]
    assert rules_fired(engine.evaluate(submission, Config(select=["C0"]))) == ["C03", "C04", "C05"]
    assert "C05" not in rules_fired(engine.evaluate(submission, Config(ignore=["C05"])))
    assert rules_fired(engine.evaluate(submission, Config(select=["A", "C"], ignore=["C"]))) == ["A11"]


def test_severity_override_and_params():
    findings = engine.evaluate(dept(basic="563.80"), Config(severity={"A01": "warning"}))
    assert next(f for f in findings if f.rule == "A01").severity == "warning"
    loose = Config(params={"A01": {"tolerance_fen": 100_000}})  # 0.1 万元
    assert "A01" not in rules_fired(engine.evaluate(dept(basic="563.80"), loose))
    strict = Config(params={"A01": {"tolerance_fen": 0}})
    assert "A01" in rules_fired(engine.evaluate(dept(basic="563.884"), strict))


@pytest.mark.parametrize("config, fragment", [
    (Config(select=["Z9"]), "matches no rule"),
    (Config(severity={"Z99": "error"}), "unknown rule"),
    (Config(severity={"A01": "fatal"}), "error/warning/info"),
    (Config(params={"A01": {"nope": 1}}), "no param"),
    (Config(params={"A01": {"tolerance_fen": "100"}}), "type of its default"),
])
def test_bad_rule_config_is_a_clear_error(config, fragment):
    with pytest.raises(RuleFileError, match=fragment):
        load_rulebook(config)


def test_config_file_is_the_directorys_own_never_a_parents(tmp_path):
    """Only the given (working) directory's config counts: a config above it, e.g. in a
    submission folder the inputs lie under, is never picked up (issue 15, F1)."""
    (tmp_path / "jixiao.toml").write_text(textwrap.dedent("""
        select = ["A", "C01"]
        ignore = "A12"
        [severity]
        A01 = "warning"
        [params.A01]
        tolerance_fen = 50
    """), encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert load_config(nested / "table.txt").source is None  # not found by walking up
    config = load_config(tmp_path)
    assert config.select == ["A", "C01"] and config.ignore == ["A12"]
    assert config.severity == {"A01": "warning"} and config.params == {"A01": {"tolerance_fen": 50}}
    assert config.source == tmp_path / "jixiao.toml"


def test_pyproject_tool_section_and_explicit_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.jixiao]\nignore = ["C07"]\n', encoding="utf-8")
    assert load_config(tmp_path).ignore == ["C07"]
    other = tmp_path / "other.toml"
    other.write_text('select = ["A01"]\n', encoding="utf-8")
    assert load_config(tmp_path, other).select == ["A01"]
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(tmp_path / "plain").ignore == []  # no [tool.jixiao] there: defaults, no walking up


@pytest.mark.parametrize("text, fragment", [
    ("select = [", "TOML"),
    ("colour = 1", "unknown keys"),
    ('[severity]\nA01 = "loud"', "error/warning/info"),
    ("[params.A01]\ntolerance_fen = 0.5", "no floats"),
    ('rules = ["missing-dir"]', "rule directory"),
])
def test_bad_config_file(tmp_path, text, fragment):
    (tmp_path / "jixiao.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment):
        load_config(tmp_path)


def test_cli_exits_2_on_bad_config_and_bad_rules(tmp_path):
    table = tmp_path / "t.txt"
    table.write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "jixiao.toml").write_text("colour = 1\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(table), "--config", str(tmp_path / "jixiao.toml")]).exit_code == 2
    (tmp_path / "jixiao.toml").unlink()
    bad = tmp_path / "rules"
    bad.mkdir()
    (bad / "x.yaml").write_text("family: X\nrules:\n  - id: X01\n    severity: loud\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(table), "--rules", str(bad)])
    assert result.exit_code == 2
    assert runner.invoke(app, ["check", str(table), "--select", "Z9"]).exit_code == 2


# ---- rule files -------------------------------------------------------------------------------

GOOD_RULE = """\
family: X
rules:
  - id: X01
    severity: info
    dimension: 适当性
    title: {zh: "项目支出超过 80 万元", en: "Project expenditure above 80"}
    message: {zh: "项目支出 {project} 万元", en: "project {project}"}
    fix: {zh: "无", en: "none"}
    basis: {zh: "测试", en: "test"}
    params: {limit_fen: 80000000}
    when:
      m: {$and: [{kind: dept_amounts}, {$gt: {project_fen: "$params.limit_fen"}}]}
"""


def _rule_dir(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "user-rules"
    directory.mkdir(exist_ok=True)
    (directory / "extra.yaml").write_text(text, encoding="utf-8")
    return directory


def test_user_rule_directory_adds_rules(tmp_path):
    config = Config(rule_dirs=[_rule_dir(tmp_path, GOOD_RULE)])
    findings = [f for f in engine.evaluate(dept(), config) if f.rule == "X01"]
    assert [f.message for f in findings] == ["项目支出 86.28 万元"]
    config.params = {"X01": {"limit_fen": 90000000}}
    assert not [f for f in engine.evaluate(dept(), config) if f.rule == "X01"]


@pytest.mark.parametrize("mutation, fragment", [
    (lambda t: t.replace("    severity: info\n", ""), "severity"),
    (lambda t: t.replace("dimension: 适当性", "dimension: 美观性"), "dimension"),
    (lambda t: t.replace("id: X01", "id: X1"), "X1"),
    (lambda t: t.replace("$params.limit_fen", "$params.nope"), "unknown param"),
    (lambda t: t.replace("{project}", "{d.project}"), "unknown alias"),
    (lambda t: t.replace("{kind: dept_amounts}", "{kind: dept_amounts}, {$mt: {name: '.*$vocab.nope.*'}}"), "vocabulary"),
    (lambda t: t.replace("{kind: dept_amounts}", "{kind: dept_amounts, parts_complete: true}"), "one test only"),
    (lambda t: t.replace("    when:\n", "    colour: red\n    when:\n"), "colour"),
    (lambda t: t.replace("80000000}", "0.5}"), "float"),
])
def test_malformed_rule_names_file_rule_and_line(tmp_path, mutation, fragment):
    directory = _rule_dir(tmp_path, mutation(GOOD_RULE))
    with pytest.raises(RuleFileError) as info:
        load_rulebook(Config(rule_dirs=[directory]))
    message = str(info.value)
    assert "extra.yaml" in message and fragment in message
    if "id: X1" not in mutation(GOOD_RULE):
        assert "[X01]" in message and "extra.yaml:3" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    directory = _rule_dir(tmp_path, GOOD_RULE.replace("title: {zh:", "title: {zh: [", 1))
    with pytest.raises(RuleFileError, match=r"extra\.yaml:\d+.*YAML"):
        load_rulebook(Config(rule_dirs=[directory]))


def test_duplicate_rule_id_is_refused(tmp_path):
    directory = _rule_dir(tmp_path, GOOD_RULE.replace("X01", "A01").replace("family: X", "family: A"))
    with pytest.raises(RuleFileError, match="duplicate id"):
        load_rulebook(Config(rule_dirs=[directory]))


def test_regexes_durable_rules_cannot_handle(tmp_path):
    directory = _rule_dir(tmp_path, GOOD_RULE.replace("{kind: dept_amounts}", "{kind: dept_amounts}, {$mt: {total: '.*9%'}}"))
    with pytest.raises(RuleFileError, match="%"):
        load_rulebook(Config(rule_dirs=[directory]))
    directory = _rule_dir(tmp_path, GOOD_RULE.replace("{kind: dept_amounts}", "{kind: dept_amounts}, {$mt: {total: '[abc'}}"))
    with pytest.raises(RuleFileError, match=r"\[X01\].*durable_rules"):
        engine.evaluate(dept(), Config(rule_dirs=[directory]))
    assert rules_fired(engine.evaluate(dept(basic="563.80"), Config()), "A") == ["A01"]  # the host still works


# ---- the seeds --------------------------------------------------------------------------------

def test_seed_004_fires_a11_and_no_reconciliation_rule():
    fired = rules_fired(engine.evaluate(load_submission(str(SEED_004)), Config()))
    assert "A11" in fired
    assert not set(fired) & {"A01", "A02", "A03", "A04", "A05", "A06"}
    a11 = [f for f in engine.evaluate(load_submission(str(SEED_004)), Config()) if f.rule == "A11"]
    assert any("0.08元/人" in f.message and "0.16" in f.message and "3.00" in f.message for f in a11)


def test_seed_000_fires_no_reconciliation_rule():
    fired = rules_fired(engine.evaluate(load_submission(str(SEED_000)), Config()))
    assert not set(fired) & {"A01", "A02", "A07"}


def _seed_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED_000.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "seed000-copy.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_seed_000_with_basic_563_80_fires_a01(tmp_path):
    path = _seed_copy(tmp_path, "基本支出\t563.89", "基本支出\t563.80")
    result = check_file(str(path), CheckOptions())
    a01 = [f for f in result.findings if f.rule == "A01"]
    assert len(a01) == 1
    for figure in ("563.80", "86.28", "650.08", "650.17", "0.09"):
        assert figure in a01[0].message


def test_seed_000_with_a_0_004_difference_does_not_fire(tmp_path):
    path = _seed_copy(tmp_path, "基本支出\t563.89", "基本支出\t563.894")
    result = check_file(str(path), CheckOptions())
    assert result.status == "checked"
    assert "A01" not in rules_fired(result.findings)


def test_engine_is_the_only_durable_rules_importer():
    offenders = []
    for path in (ROOT / "checker").rglob("*.py"):
        if path.name == "engine.py" and path.parent.name == "checker":
            continue
        text = path.read_text(encoding="utf-8")
        if "import durable" in text or "from durable" in text:
            offenders.append(str(path))
    assert not offenders


def test_cross_form_rules_are_joins():
    book = load_rulebook(Config())
    for rule_id in ("A06", "A07", "C01", "C02", "C03", "C04", "C05", "C06"):
        rule = book.get(rule_id)
        assert any(len(v.aliases) >= 2 for v in rule.variants), rule_id


def test_empty_submission_and_no_active_rules():
    assert engine.evaluate(Submission(), Config(select=["A", "C"])) == []
    assert engine.evaluate(dept(basic="563.80"), Config(select=["A01"], ignore=["A01"])) == []
    assert engine.live_sessions() == 0


def test_project_in_yuan_is_compared_in_wan():
    submission = dept()
    submission.forms.append(ProjectForm(title="项目绩效目标表", year=2024, amount_unit="元",
                                        total=Money(amount=Decimal("900000"), unit="元", raw="900000")))
    a07 = [f for f in engine.evaluate(submission, Config()) if f.rule == "A07"]
    assert len(a07) == 1 and "90.00" in a07[0].message and "86.28" in a07[0].message


# ---- CLI: rules / explain ---------------------------------------------------------------------

def test_cli_rules_lists_every_rule():
    import json

    runner = CliRunner()
    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    ids = {row["id"] for row in rows}
    assert {f"A{i:02d}" for i in range(1, 13)} | {f"C{i:02d}" for i in range(1, 8)} <= ids
    a01 = next(row for row in rows if row["id"] == "A01")
    assert a01["severity"] == "error" and a01["dimension"] == "适当性" and a01["title"]
    family = json.loads(runner.invoke(app, ["rules", "--family", "c", "--format", "json", "--lang", "en"]).stdout)
    assert {row["family"] for row in family} == {"C"} and family[0]["title"].isascii()
    table = runner.invoke(app, ["rules"])
    assert table.exit_code == 0 and "A01" in table.stdout


def test_cli_explain():
    runner = CliRunner()
    result = runner.invoke(app, ["explain", "a01"])
    assert result.exit_code == 0
    for fragment in ("A01", "检查什么", "依据", "不通过的例子", "通过的例子", "如何修改", "650.08"):
        assert fragment in result.stdout, fragment
    english = runner.invoke(app, ["explain", "A04", "--lang", "en"])
    assert english.exit_code == 0 and "What it checks" in english.stdout and "gives 0.20" in english.stdout
    unknown = runner.invoke(app, ["explain", "Z99"])
    assert unknown.exit_code == 2 and "未知的规则编号" in unknown.output
