"""The calculation-string parser (checker/facts/calc.py): units, notation, several formulas."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.facts.calc import parse_calculation, parse_unit_cost

D = Decimal


def one(text):
    formulas = parse_calculation(text)
    assert len(formulas) == 1, formulas
    return formulas[0]


def test_seed_004_printing_two_formulas_in_one_cell():
    formulas = parse_calculation("彩色1元/份×2000份=0.2万元\n单色0.5元/份×6000份=0.3万元")
    assert [f.computed_wan for f in formulas] == [D("0.2"), D("0.3")]
    assert [f.stated_wan for f in formulas] == [D("0.2"), D("0.3")]
    assert formulas[0].text == "彩色1元/份×2000份=0.2万元"


def test_formulas_separated_by_a_space_as_the_extractor_joins_them():
    formulas = parse_calculation("彩色1元/份×2000份=0.2万元 单色0.5元/份×6000份=0.3万元")
    assert [f.computed_wan for f in formulas] == [D("0.2"), D("0.3")]


def test_inverted_notation_count_per_amount():
    formula = one("活动1次/1.25万元×2次（授课费、人员工资、车辆、展架、条幅等）")
    assert formula.computed_wan == D("2.5")
    assert formula.stated_wan is None


@pytest.mark.parametrize("sign", ["×", "x", "X", "*", "＊", "✕"])
def test_multiplication_signs(sign):
    assert one(f"1元/份{sign}2000份=0.2万元").computed_wan == D("0.2")


def test_full_width_digits_and_signs():
    formula = one("５０００元×１２个月＝６万元")
    assert formula.computed_wan == D("6") and formula.stated_wan == D("6")


def test_result_in_yuan_and_thousands_separator():
    formula = one("1元/份x2,000份=2000元")
    assert formula.computed_wan == D("0.2") and formula.stated_wan == D("0.2")


def test_quantity_first_and_several_per_units():
    assert one("宣传册2000份×1元/份=0.2万元").computed_wan == D("0.2")
    assert one("100元/人/天*30人×2天").computed_wan == D("0.6")


def test_percentage_factor_and_wan_magnitude_in_quantity():
    assert one("2万元×80%").computed_wan == D("1.6")
    assert one("0.5元/人次×2万人次=1万元").computed_wan == D("1")


def test_wrong_result_is_reported_as_written():
    formula = one("彩色1元/份×2000份=0.3万元")
    assert formula.computed_wan == D("0.2") and formula.stated_wan == D("0.3")


def test_unitless_result_takes_the_money_unit():
    assert one("1.5万元*2=3").stated_wan == D("3")


@pytest.mark.parametrize("text", ["共2次合计2.5万元", "两次×1万元", "2次×3场", "1万元×2万元", "无", ""])
def test_not_a_price_times_quantity(text):
    assert parse_calculation(text) == []


def test_exact_decimal_no_float_drift():
    # 0.1 + 0.2 style: 3 × 0.1元 must be exactly 0.00003 万元
    assert one("0.1元/份×3份").computed_wan == D("0.00003")


def test_unit_cost_in_a_name_or_value():
    cost = parse_unit_cost("0.08元/人")
    assert cost.yuan == D("0.08") and cost.per == "人"
    cost = parse_unit_cost("≤1.5万元/场")
    assert cost.yuan == D("15000") and cost.per == "场"
    assert parse_unit_cost("3万元") is None


@given(price=st.decimals(min_value=D("0.01"), max_value=D("9999"), places=2),
       qty=st.integers(min_value=1, max_value=100000))
def test_price_times_quantity_roundtrip(price, qty):
    stated = price * qty / 10000
    formula = one(f"单价{price}元/份×{qty}份={stated}万元")
    assert formula.computed_wan == stated == formula.stated_wan


@given(amount=st.decimals(min_value=D("0.01"), max_value=D("999"), places=2),
       count=st.integers(min_value=1, max_value=50))
def test_inverted_roundtrip(amount, count):
    assert one(f"活动1次/{amount}万元×{count}次").computed_wan == amount * count
