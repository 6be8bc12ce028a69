"""Traditional-character copies and title spellings are recognised by content, not by one document."""

from __future__ import annotations

import opencc
import pytest

from checker.extract import title_kind
from checker.pipeline import load_submission
from conftest import SEED_000, SEED_004


@pytest.mark.parametrize("title, kind", [
    ("2020年度县级专项资金绩效目标自评表", "project"),
    ("2022年度共享工程项目自评表", "project"),
    ("食品监管补助资金区域绩效目标自评表", "project"),
    ("项目支出绩效自评表", "project"),
    ("项目支出绩效目标表", "project"),
    ("蚕茶卫生院整体支出绩效自评表", "department"),
    ("重庆市梁平区林业局2022年度部门整体绩效自评表", "department"),
    ("部门整体支出绩效目标申报表", "department"),
    ("2021年度區級森林防火專項經費項目績效自評表", "project"),
    ("專項資金支出方向績效目標表", "spending_direction"),
])
def test_title_spellings_give_the_form_kind(title, kind):
    from checker.extract.script import _simplified_same_length

    assert title_kind(_simplified_same_length(title)) == kind


def _indicator_rows(sub):
    return [(f.kind, i.level1, i.level2, i.name, i.value) for f in sub.forms for i in f.indicators]


@pytest.mark.parametrize("seed", [SEED_000, SEED_004], ids=["000", "004"])
def test_a_traditional_copy_reads_like_the_original_and_keeps_its_characters(tmp_path, seed):
    text = seed.read_text(encoding="utf-8")
    trad = opencc.OpenCC("s2t").convert(text)
    assert trad != text
    copy = tmp_path / "traditional.txt"
    copy.write_text(trad, encoding="utf-8")
    original, converted = load_submission(str(seed)), load_submission(str(copy))
    assert [f.kind for f in converted.forms] == [f.kind for f in original.forms]
    assert [f.year for f in converted.forms] == [f.year for f in original.forms]
    assert [str(f.total.amount) if f.total else None for f in converted.forms] == \
        [str(f.total.amount) if f.total else None for f in original.forms]
    rows, trad_rows = _indicator_rows(original), _indicator_rows(converted)
    assert len(trad_rows) == len(rows)
    # canonical levels stay in the vocabulary's script; names are as the document wrote them
    assert [r[:3] for r in trad_rows] == [r[:3] for r in rows]
    to_simple = opencc.OpenCC("t2s")
    assert [to_simple.convert(r[3]) for r in trad_rows] == [to_simple.convert(r[3]) for r in rows]
    assert any(r[3] != o[3] for r, o in zip(trad_rows, rows)), "names must keep the traditional characters"
    for r in trad_rows:
        assert r[3] in trad or r[3] == "", r[3]
