"""The K family's facts (checker/facts/contacts.py): names, phones and seal lines."""

from __future__ import annotations

import pytest

from checker.facts import FactContext
from checker.facts import contacts as ct
from checker.model import Contacts, DepartmentForm, ProjectForm, Submission, Text
from checker.pipeline import load_submission
from conftest import SEED_000, SEED_004


@pytest.mark.parametrize("value, state", [
    ("王宁", "ok"), ("陆松丽", "ok"), ("欧阳娜娜", "ok"), ("阿依古丽·买买提", "ok"), ("张三、李四", "ok"),
    ("宋云花", "ok"), ("", "blank"), ("XX", "invalid"), ("无", "invalid"), ("13985012345", "invalid"),
    ("广水市人民政府办公室", "invalid"),  # real doc 05: a unit where a person belongs
])
def test_name_states(value: str, state: str) -> None:
    assert ct.name_state(value, FactContext()) == state


@pytest.mark.parametrize("value, state", [
    ("0858-8201038", "ok"), ("08588201038", "ok"), ("13985012345", "ok"), ("16607326331", "ok"),
    ("0731-22880000", "ok"), ("0858-8201038、13985012345", "ok"), ("(0858)8201038", "ok"),
    ("8201038", "local"), ("22880000", "local"),
    ("", "blank"), ("12345", "invalid"), ("无", "invalid"), ("1398501234", "invalid"),
])
def test_phone_states(value: str, state: str) -> None:
    assert ct.phone_state(value) == state


@pytest.mark.parametrize("value, state", [
    ("六盘水市科学技术协会", "ok"), ("（盖章）", "blank"), ("", "blank"), ("XX", "invalid"),
])
def test_seal_states(value: str, state: str) -> None:
    assert ct.seal_state(value, FactContext()) == state


def test_absent_lines_give_no_fact() -> None:
    form = ProjectForm(contacts=Contacts(project_leader=Text(value="")))
    facts = list(ct.facts(Submission(forms=[form]), FactContext()))
    assert [(f["field"], f["state"]) for f in facts] == [("project_leader", "blank")]


def test_seed_004_contacts_are_blank_in_all_three_tables() -> None:
    facts = list(ct.facts(load_submission(str(SEED_004)), FactContext()))
    by_field: dict[str, set] = {}
    for fact in facts:
        by_field.setdefault(fact["field"], set()).add((fact["form"], fact["state"]))
    for field in ("filler", "phone", "unit_leader", "seal_unit"):
        assert by_field[field] == {(0, "blank"), (1, "blank"), (2, "blank")}, field


def test_seed_000_contacts() -> None:
    facts = list(ct.facts(load_submission(str(SEED_000)), FactContext()))
    states = {(f["form"], f["field"]): f["state"] for f in facts}
    assert states[(0, "filler")] == "ok"
    assert states[(0, "phone")] == "local"  # 8201038 without the 0858 area code
    assert states[(1, "project_leader")] == "ok"
    assert states[(0, "seal_unit")] == "ok"
    assert (0, "unit_leader") not in states  # the template has no signature line
