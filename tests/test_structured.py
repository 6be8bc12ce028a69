"""JSON/YAML input: the Submission model itself, read back exactly, with plain errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from checker.document import ReadError
from checker.model import (
    CostLine, DepartmentForm, Indicator, Location, Money, ProjectForm, Submission, Target, Text,
)
from checker.readers.structured import field_path, read_structured

GENERATED = Path(__file__).resolve().parent.parent / "fixtures" / "generated"


def sample() -> Submission:
    loc = Location(table=1, row=5, col=4)
    return Submission(
        source="seed.docx",
        format="docx",
        forms=[
            DepartmentForm(
                title="六盘水市科学技术协会 2024年部门整体支出绩效目标表",
                year=2024,
                unit_name=Text(value="六盘水市科学技术协会", loc=Location(para=8)),
                amount_unit="万元",
                total=Money(amount=Decimal("650.17"), unit="万元", raw="650.17", loc=loc),
                basic=Money(amount=Decimal("563.89"), unit="万元"),
                project=Money(amount=Decimal("86.28"), unit="万元"),
                indicators=[
                    Indicator(
                        level1="产出指标", level2="数量指标", name="科普活动", value="≥8次",
                        target=Target(raw="≥8次", op=">=", op_explicit=True, number=Decimal("8"), unit="次"),
                    )
                ],
            ),
            ProjectForm(
                title="项目绩效目标表",
                total=Money(amount=Decimal("750000"), unit="元"),
                cost_lines=[CostLine(content="科普活动", amount=Money(amount=Decimal("0.1"), unit="万元"))],
            ),
        ],
        notes=["示例"],
    )


def as_json(sub: Submission) -> bytes:
    return json.dumps(sub.model_dump(mode="json"), ensure_ascii=False, indent=2).encode()


def as_yaml(sub: Submission) -> bytes:
    return yaml.safe_dump(sub.model_dump(mode="json"), allow_unicode=True, sort_keys=False).encode()


def error(data: bytes, kind: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_structured("x." + kind, data, kind)
    return info.value


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_round_trip(kind):
    sub = sample()
    data = as_json(sub) if kind == "json" else as_yaml(sub)
    assert read_structured("x." + kind, data, kind) == sub


@pytest.mark.parametrize("kind", ["json", "yaml"])
def test_round_trip_of_an_extracted_fixture(kind):
    from checker.extract import extract
    from checker.readers import read_document

    sub = extract(read_document(str(GENERATED / "seed000_liupanshui_2024.docx")))
    data = as_json(sub) if kind == "json" else as_yaml(sub)
    assert read_structured("x." + kind, data, kind) == sub


def test_numbers_are_decimal_never_float():
    js = b'{"forms": [{"kind": "department", "total": {"amount": 650.17, "unit": "\xe4\xb8\x87\xe5\x85\x83"}}]}'
    assert read_structured("a.json", js, "json").forms[0].total.amount == Decimal("650.17")
    ym = "forms:\n- kind: project\n  total: {amount: 0.1, unit: 万元}\n  fiscal: {amount: 1_000.5, unit: 元}\n".encode()
    form = read_structured("a.yaml", ym, "yaml").forms[0]
    assert form.total.amount == Decimal("0.1") and str(form.total.amount) == "0.1"
    assert form.fiscal.amount == Decimal("1000.5")


def test_source_and_format_are_filled_only_when_missing():
    sub = read_structured("in.yaml", b"forms: []\n", "yaml")
    assert (sub.source, sub.format) == ("in.yaml", "yaml")
    kept = read_structured("in.json", as_json(sample()), "json")
    assert (kept.source, kept.format) == ("seed.docx", "docx")


def test_invalid_amount_names_the_field_in_chinese():
    raw = sample().model_dump(mode="json")
    raw["forms"][0]["total"]["amount"] = "abc"
    err = error(json.dumps(raw).encode(), "json")
    assert err.code == "invalid_submission"
    assert "forms[0].total.amount：不是有效的数字（读到 'abc'）" in err.zh
    assert "forms[0].total.amount: not a valid number (got 'abc')" in err.en


def test_several_errors_are_listed():
    data = "forms:\n- kind: budget\n- {kind: department, year: 明年, indicators: 无}\n- {title: 表}\n".encode()
    err = error(data, "yaml")
    assert "（4 处错误）" in err.zh
    assert "forms[0]：表类型 kind 必须是 'department', 'project'" in err.zh and "（读到 'budget'）" in err.zh
    assert "forms[1].year：不是有效的整数（读到 '明年'）" in err.zh
    assert "forms[1].indicators：应为列表" in err.zh
    assert "forms[2]：缺少表类型字段 kind" in err.zh


def test_wrong_unit_is_a_literal_error():
    data = '{"forms": [{"kind": "project", "total": {"amount": "1", "unit": "美元"}}]}'.encode()
    err = error(data, "json")
    assert "forms[0].total.unit：取值必须是" in err.zh and "'美元'" in err.zh


def test_field_path_drops_the_discriminator_tag():
    assert field_path(("forms", 0, "department", "total", "amount")) == "forms[0].total.amount"
    assert field_path(("forms", 2, "project", "cost_lines", 1, "amount")) == "forms[2].cost_lines[1].amount"
    assert field_path(("notes",)) == "notes"


def test_json_syntax_error_has_line_and_column():
    err = error(b'{\n  "forms": [\n    {"kind": "project",,}\n  ]\n}', "json")
    assert err.code == "invalid_json"
    assert "第 3 行第 24 列" in err.zh
    assert "line 3, column 24" in err.en


def test_yaml_syntax_error_has_line_and_column():
    err = error(b"forms:\n  - kind: project\n    title: [unclosed\n", "yaml")
    assert err.code == "invalid_yaml"
    assert "第 4 行第 1 列" in err.zh
    assert "line 4, column 1" in err.en


def test_yaml_aliases_and_python_tags_are_refused():
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nforms: [*b, *b]\n"
    err = error(bomb, "yaml")
    assert err.code == "invalid_yaml" and "别名" in err.zh
    err = error(b"forms: !!python/object/apply:os.system ['echo hi']\n", "yaml")
    assert err.code == "invalid_yaml"


@pytest.mark.parametrize(
    ("data", "kind", "fragment"),
    [
        (b"[1, 2]", "json", "顶层应为对象"),
        (b"- a\n- b\n", "yaml", "顶层应为对象"),
        (b'{"schema_version": 2, "forms": []}', "json", "schema_version"),
        (b"\xff\xfe\x00garbage", "json", "UTF-8"),
    ],
)
def test_other_refusals(data, kind, fragment):
    err = error(data, kind)
    assert fragment in err.zh


def test_load_submission_dispatches_json_and_yaml(tmp_path):
    from checker.pipeline import load_submission

    path = tmp_path / "sub.json"
    path.write_bytes(as_json(sample()))
    assert load_submission(str(path)) == sample()
    path = tmp_path / "sub.yaml"
    path.write_bytes(as_yaml(sample()))
    assert load_submission(str(path)) == sample()
