"""Property-based tests (hypothesis), deterministic for CI (derandomized, no example database):

1. the 指标值 grammar round-trips: operator, exact Decimal magnitude and unit;
2. money arithmetic is exact Decimal (no float anywhere), 元 <-> 万元 is exact, and the
   0.01 万元 tolerance boundary holds;
3. random project/department forms rendered as tab, pipe and space-aligned text, .docx and
   .xlsx read back to the generated figures and give the same findings;
4. random fact streams never crash the engine and leave no durable_rules session.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import checker.engine as engine
from checker.config import Config
from checker.extract.values import parse_money, parse_target
from checker.facts import END_KIND, FactContext, build_facts, fen_display, to_fen
from checker.facts.calc import parse_calculation
from checker.model import CostLine, DepartmentForm, Money, ProjectForm, Result, Submission
from checker.pipeline import CheckOptions, check_file, check_submission, load_submission
from checker.readers import read_document
from checker.rulebook import load_rulebook

ROOT = Path(__file__).resolve().parent.parent

# Derandomized: the same examples on every run; no .hypothesis database; no per-example deadline
# (the first example of a test pays for imports and ruleset registration).
CI = settings(derandomize=True, database=None, deadline=None, print_blob=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bf = _load("build_fixtures", ROOT / "fixtures" / "build_fixtures.py")
aligned = _load("test_reader_aligned_text", ROOT / "tests" / "test_reader_aligned_text.py").aligned

W = Decimal(10000)


def no_float(obj, path="") -> None:
    """Fail if a float hides anywhere in `obj` (dicts, lists, pydantic models, dataclasses)."""
    assert not isinstance(obj, float), f"float at {path or '<root>'}: {obj!r}"
    if isinstance(obj, dict):
        for k, v in obj.items():
            no_float(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            no_float(v, f"{path}[{i}]")
    elif hasattr(obj, "model_dump"):
        no_float(obj.model_dump(), path)
    elif hasattr(obj, "__dataclass_fields__"):
        for k in obj.__dataclass_fields__:
            no_float(getattr(obj, k), f"{path}.{k}")


# ==== 1. the value grammar ==========================================================================

# Test oracle, written independently of checker.extract.values.OP_WORDS.
PREFIX_OPS = {
    "≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "=", ">=": ">=", "<=": "<=",
    "＞": ">", "＜": "<", "＝": "=", "≧": ">=", "≦": "<=",
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "大于等于": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "小于等于": "<=", "至多": "<=", "控制在": "<=",
    "大于": ">", "高于": ">", "超过": ">", "小于": "<", "低于": "<", "少于": "<",
    "达到": "=", "达": "=", "等于": "=",
}
SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "之内": "<="}
# Units after an Arabic number. A 万/亿 written before a unit that is not money multiplies the number.
PLAIN_UNITS = ["人", "人次", "场", "次", "个", "天", "公里", "亩", "批次", "户", "公斤", "期", "项", "所", "篇",
               "家", "小时", "平方米", "吨", "台", "名", "份", "年", "个月", "千米", "课时", "次/年", "人/场"]
MONEY_UNITS = ["元", "万元", "亿元", "元/亩", "元/人", "元/人次", "万元/公里", "元/平方米"]
# Units after a Chinese numeral (the parser reads Chinese numerals only before a counting unit).
CN_UNITS = ["次", "个", "人", "期", "项", "场", "册", "人次", "天", "年", "批", "家", "所", "座", "条", "台", "辆",
            "名", "户", "份", "篇", "部", "种", "类", "轮", "期次", "场次", "元"]
MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000)}

_CN_DIGITS = "零一二三四五六七八九"


def _cn_section(n: int, liang: bool) -> str:
    """0 < n < 10000 in Chinese numerals; `liang` writes a leading 2 before 百/千 as 两."""
    out, zero = "", False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out, zero = out + "零", False
        digit = "两" if d == 2 and liang and not out and value in (1000, 100) else _CN_DIGITS[d]
        out += digit + name
    return out


def chinese_numeral(n: int, liang: bool = False) -> str:
    """1 <= n < 10**12 as a filler writes it: 十五, 一百零五, 两千, 三万零五十, 一亿零二百万."""
    out, pending = "", False
    for value, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        section = n // value % 10000
        if section == 0:
            pending = bool(out)
            continue
        if out and (pending or section < 1000):
            out += "零"
        pending = False
        out += ("两" if liang and section == 2 and name else _cn_section(section, liang)) + name
    return out[1:] if out.startswith("一十") else out


def test_chinese_numeral_renderer():  # the oracle itself, on hand-checked cases
    cases = {10: "十", 15: "十五", 105: "一百零五", 1010: "一千零一十", 2000: "二千", 30050: "三万零五十",
             200002: "二十万零二", 102000000: "一亿零二百万", 120000: "十二万"}
    assert {n: chinese_numeral(n) for n in cases} == cases
    assert chinese_numeral(2000, liang=True) == "两千" and chinese_numeral(20000, liang=True) == "两万"


_FULL = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


@st.composite
def decimals(draw, max_int: int = 10**8, places=(0, 4)) -> Decimal:
    """A non-negative Decimal with a chosen number of decimal places (trailing zeros kept)."""
    return Decimal(draw(st.integers(0, max_int))).scaleb(-draw(st.integers(*places)))


def arabic_text(number: Decimal, commas: bool) -> str:
    text = format(number, "f")
    whole, _, frac = text.partition(".")
    if commas:
        whole = f"{int(whole):,}"
    return whole + ("." + frac if frac else "")


@st.composite
def target_values(draw, spaced: bool = True):
    """(text, op, explicit, number, unit): a 指标值 as a filler writes it, and what it means."""
    chinese = draw(st.booleans()) and draw(st.booleans())  # about a quarter
    if chinese:
        n = draw(st.integers(1, 10**10))
        body = chinese_numeral(n, liang=draw(st.booleans()))
        number, unit = Decimal(n), draw(st.sampled_from(CN_UNITS))
        unit_text = unit
    else:
        number = draw(decimals())
        body = arabic_text(number, commas=number >= 1000 and draw(st.booleans()))
        kind = draw(st.sampled_from(["plain", "money", "percent", "none"]))
        unit = {"plain": lambda: draw(st.sampled_from(PLAIN_UNITS)), "money": lambda: draw(st.sampled_from(MONEY_UNITS)),
                "percent": lambda: "%", "none": lambda: None}[kind]()
        unit_text = unit or ""
        if unit == "%" and draw(st.booleans()):
            unit_text = "％"
        if kind in ("plain", "none") and draw(st.booleans()):
            mult = draw(st.sampled_from(sorted(MULTIPLIERS)))
            unit_text, number = mult + unit_text, number * MULTIPLIERS[mult]
        if draw(st.booleans()):
            body = body.translate(_FULL)  # full-width digits, as an IME types them
    op_style = draw(st.sampled_from(["none", "prefix", "suffix", "weak+suffix", "same+suffix"]))
    prefix = suffix = ""
    op, explicit = "=", op_style != "none"
    if op_style == "prefix":
        prefix = draw(st.sampled_from(sorted(PREFIX_OPS)))
        op = PREFIX_OPS[prefix]
    elif op_style == "suffix":
        suffix = draw(st.sampled_from(sorted(SUFFIX_OPS)))
        op = SUFFIX_OPS[suffix]
    elif op_style == "weak+suffix":  # 达到95%以上: the suffix says which way
        prefix, suffix = draw(st.sampled_from(["达到", "达"])), draw(st.sampled_from(sorted(SUFFIX_OPS)))
        op = SUFFIX_OPS[suffix]
    elif op_style == "same+suffix":  # 不低于90%以上: redundant but consistent
        suffix = draw(st.sampled_from(sorted(SUFFIX_OPS)))
        op = SUFFIX_OPS[suffix]
        prefix = draw(st.sampled_from(sorted(p for p, o in PREFIX_OPS.items() if o == op)))
    gap = (lambda: draw(st.sampled_from(["", "", " ", "\u3000"]))) if spaced else (lambda: "")
    text = prefix + gap() + body + gap() + unit_text + suffix
    return text, op, explicit, number, unit


@settings(CI, max_examples=1000)
@given(target_values())
@example(("≥1,500人次", ">=", True, Decimal(1500), "人次"))  # thousands separators (fixed)
@example(("达到95%以上", ">=", True, Decimal(95), "%"))  # 达到…以上 is ≥ (fixed; was "=")
@example(("达5%以内", "<=", True, Decimal(5), "%"))
@example(("不少于两千场", ">=", True, Decimal(2000), "场"))
@example(("1.5亿人次", "=", False, Decimal(150000000), "人次"))
def test_value_grammar_round_trips(value):
    text, op, explicit, number, unit = value
    target = parse_target(text)
    assert not target.qualitative, text
    assert (target.op, target.op_explicit, target.unit) == (op, explicit, unit), text
    assert type(target.number) is Decimal and target.number == number, (text, target.number)
    no_float(target)


# ==== 2. money arithmetic ===========================================================================

def fen_exact(wan: Decimal) -> int:
    """万元 -> 分, half-up, computed here independently of the project."""
    return int((wan * 1000000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown(wan: Decimal) -> str:
    return str(wan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@st.composite
def moneys(draw, max_int: int = 10**12):
    """A Money with 2-4 decimals, in 万元 or 元."""
    unit = draw(st.sampled_from(["万元", "元"]))
    amount = draw(decimals(max_int=max_int, places=(2, 4)))
    return Money(amount=amount, unit=unit, raw=format(amount, "f"))


@settings(CI, max_examples=200)
@given(decimals(max_int=10**12, places=(2, 4)), st.sampled_from(["万元", "元", "万", ""]), st.booleans(),
       st.booleans())
def test_money_text_round_trips(amount, unit, commas, space):
    text = arabic_text(amount, commas) + (" " if space and unit else "") + unit
    parsed = parse_money(text)
    assert parsed is not None, text
    value, parsed_unit = parsed
    assert type(value) is Decimal and value == amount and str(value) == format(amount, "f"), text
    assert parsed_unit == {"万元": "万元", "万": "万元", "元": "元", "": None}[unit]


@settings(CI, max_examples=200)
@given(moneys())
def test_yuan_wan_conversion_is_exact(money):
    wan = money.wan
    assert type(wan) is Decimal
    # 元 -> 万元 is a division by 10 000 that loses nothing, and converts back exactly.
    assert (wan * W if money.unit == "元" else wan) == money.amount
    other = Money(amount=wan * W if money.unit == "万元" else wan, unit="元" if money.unit == "万元" else "万元")
    assert other.wan == wan and other.fen == money.fen == fen_exact(wan) == to_fen(wan)
    assert type(money.fen) is int
    assert fen_display(money.fen) == shown(Decimal(money.fen) / 1000000)


@settings(CI, max_examples=150)
@given(moneys(), moneys(), moneys())
def test_department_sums_are_exact(total, basic, project):
    form = DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, amount_unit="万元",
                          total=total, basic=basic, project=project)
    facts = build_facts(Submission(forms=[form]))
    no_float(facts)
    assert all(type(v) in (str, int, bool, list) for f in facts for v in f.values())
    fact = next(f for f in facts if f["kind"] == "dept_amounts")
    computed = basic.wan + project.wan  # exact
    assert fact["computed"] == shown(computed)
    assert fact["diff"] == shown(abs(total.wan - computed))
    assert fact["total_vs_parts_abs_fen"] == abs(fen_exact(total.wan) - fen_exact(computed))
    assert (fact["total_fen"], fact["basic_fen"], fact["project_fen"]) == tuple(
        fen_exact(m.wan) for m in (total, basic, project))


@settings(CI, max_examples=100)
@given(st.lists(moneys(max_int=10**9), min_size=1, max_size=8), moneys(max_int=10**10))
def test_cost_line_sums_are_exact(amounts, total):
    lines = [CostLine(content=f"支出{i}", item=f"明细{i}", amount=m) for i, m in enumerate(amounts)]
    form = ProjectForm(title="2024年项目支出绩效目标表", year=2024, amount_unit="万元", total=total, cost_lines=lines)
    facts = build_facts(Submission(forms=[form]))
    no_float(facts)
    check = next(f for f in facts if f["kind"] == "cost_sum_check")
    lines_sum = sum((m.wan for m in amounts), Decimal(0))
    assert (check["left"], check["right"]) == (shown(lines_sum), shown(total.wan))
    assert check["diff"] == shown(abs(lines_sum - total.wan))
    assert check["gap_fen"] == abs(fen_exact(lines_sum) - fen_exact(total.wan))


@settings(CI, max_examples=150)
@given(decimals(max_int=10**7, places=(0, 2)), st.sampled_from(["元", "万元"]),
       st.lists(st.tuples(st.integers(1, 5000), st.sampled_from(["人", "天", "份", "次", "个月", "场"])),
                min_size=1, max_size=3),
       st.sampled_from(["×", "x", "*", "＊"]), st.booleans(), st.booleans())
def test_calculation_strings_are_exact(price, unit, quantities, times, full_width, stated_in_yuan):
    product = Decimal(1)
    for qty, _ in quantities:
        product *= qty
    yuan = price * product * (W if unit == "万元" else 1)
    stated = yuan if stated_in_yuan else yuan / W
    text = f"{price}{unit}/{quantities[0][1]}" + "".join(f"{times}{q}{u}" for q, u in quantities)
    text += f"={format(stated, 'f')}{'元' if stated_in_yuan else '万元'}"
    if full_width:
        text = text.translate(_FULL)
    formulas = parse_calculation(text)
    assert len(formulas) == 1, text
    formula = formulas[0]
    no_float(formula)
    assert type(formula.computed_wan) is Decimal and type(formula.stated_wan) is Decimal
    assert formula.computed_wan == yuan / W == formula.stated_wan, text
    assert formula.money_unit == unit


TOLERANCE_FEN = 10000  # rules/amounts.yaml A01: 0.01 万元


@settings(CI, max_examples=60)
@given(decimals(max_int=10**11, places=(2, 2)), decimals(max_int=10**11, places=(2, 2)),
       st.sampled_from([Decimal("100.00"), Decimal("100.01"), Decimal("99.99"), Decimal("0")]),
       st.sampled_from([1, -1]), st.sampled_from(["元", "万元"]))
def test_tolerance_boundary(basic_yuan, project_yuan, delta_yuan, sign, total_unit):
    """A01 fires exactly when |total - (basic + project)| > 0.01 万元 = 100 元 (amounts in 分)."""
    total_yuan = basic_yuan + project_yuan + sign * delta_yuan
    if total_yuan < 0:
        total_yuan = basic_yuan + project_yuan + delta_yuan
    total = Money(amount=total_yuan if total_unit == "元" else total_yuan / W, unit=total_unit)
    form = DepartmentForm(title="2024年部门整体支出绩效目标表", year=2024, amount_unit="万元", total=total,
                          basic=Money(amount=basic_yuan, unit="元"), project=Money(amount=project_yuan / W, unit="万元"))
    findings = engine.evaluate(Submission(forms=[form]), Config(select=["A01"]))
    over = abs(total_yuan - basic_yuan - project_yuan) * 100 > TOLERANCE_FEN
    assert [f.rule for f in findings] == (["A01"] if over else []), (total_yuan, basic_yuan, project_yuan)
    if over:
        assert findings[0].figures["diff"] == shown(delta_yuan / W)
        no_float(findings)


# ==== 3. random forms, six renderings ===============================================================

LEVELS = {  # 一级 -> [(二级 as written, canonical 二级)]
    "产出指标": [("数量指标", "数量指标"), ("质量指标", "质量指标"), ("时效指标", "时效指标"), ("成本指标", "成本指标")],
    "成本指标": [("经济成本指标", "经济成本指标"), ("社会成本指标", "社会成本指标"),
             ("生态环境成本指标", "生态环境成本指标")],
    "效益指标": [("经济效益指标", "经济效益指标"), ("社会效益指标", "社会效益指标"), ("生态效益指标", "生态效益指标"),
             ("可持续影响指标", "可持续影响指标")],
    "满意度指标": [("服务对象满意度指标", "服务对象满意度指标"), ("社会公众或服务对象满意度指标", "服务对象满意度指标")],
}
NAMES = {
    "数量指标": ["培训人次", "举办活动场次", "新建高标准农田面积", "采购设备数量", "发放补助人数", "印制宣传资料份数"],
    "质量指标": ["工程验收合格率", "设备完好率", "资金使用合规率", "培训覆盖率", "抽检合格率"],
    "时效指标": ["项目完成时间", "资金拨付及时率", "任务按时完成率"],
    "成本指标": ["人均培训成本", "亩均建设成本", "项目成本控制率"],
    "经济成本指标": ["单位运行成本", "设备采购单价"],
    "社会成本指标": ["施工扰民投诉次数", "征地影响户数"],
    "生态环境成本指标": ["施工扬尘排放量", "建筑垃圾产生量"],
    "经济效益指标": ["带动农户增收", "项目区粮食亩均增产"],
    "社会效益指标": ["受益群众人数", "带动就业人数", "公民科学素质提升"],
    "生态效益指标": ["化肥农药使用量", "农田灌溉水有效利用系数", "绿化覆盖率"],
    "可持续影响指标": ["设施使用年限", "长效管护机制"],
    "服务对象满意度指标": ["服务对象满意度", "参训学员满意度", "受益农户满意度"],
}
QUALITATIVE = ["持续提升", "明显改善", "2024年12月底前", "12月底前完成", "长期", "有效保障", "是", "较上年减少", "好"]
UNITS = ["青山市科学技术协会", "六盘水市农业农村局", "石峰区教育局", "湘潭市环境卫生管理处", "阳泉市公路管理段"]
PROJECTS = ["青少年科技创新大赛", "高标准农田建设项目", "科普基金", "农村公路养护工程", "城区环卫保洁服务", "学校薄弱环节改善"]


@st.composite
def indicator_rows(draw):
    """[(一级, 二级 written, canonical 二级, 三级, value cell)] in table order, names unique."""
    rows = []
    for level1, level2s in LEVELS.items():
        for written, canon in level2s:
            if not draw(st.integers(0, 3)):  # most 二级 present
                continue
            names = draw(st.lists(st.sampled_from(NAMES[canon]), min_size=1, max_size=2, unique=True))
            for name in names:
                if any(name == r[3] for r in rows):
                    continue
                rows.append((level1, written, canon, name, draw(indicator_values())))
    if not rows:
        rows.append(("产出指标", "数量指标", "数量指标", "培训人次", "≥100人次"))
    return rows


@st.composite
def indicator_values(draw):
    """A value cell: quantitative text, a word, or (in .xlsx) a number with a percent format."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.sampled_from(QUALITATIVE))
    if choice == 1:
        pct = draw(st.integers(1, 100))
        return bf.X(f"{pct}%", Decimal(pct) / 100, "0%")  # openpyxl writes Decimal as a number
    text = draw(target_values(spaced=False))[0]
    # Excel takes a cell typed "=90%" for a formula; a filler gets text by typing the IME's "＝".
    return "＝" + text[1:] if text.startswith("=") else text


def amount_text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def forms(draw):
    """(Variant, expected): one or two forms (a department form, a project form or both)."""
    year = draw(st.integers(2019, 2026))
    unit = draw(st.sampled_from(UNITS))
    kinds = draw(st.sampled_from([["project"], ["department"], ["department", "project"]]))
    specs, expected = [], []
    for kind in kinds:
        inds = draw(indicator_rows())
        block = [("一级指标", "二级指标", "三级指标", "指标值")]
        previous = (None, None)
        for level1, written, _, name, value in inds:
            block.append((None if level1 == previous[0] else level1,
                          None if (level1, written) == previous else written, name, value))
            previous = (level1, written)
        want = {"kind": kind, "year": year,
                "indicators": [(l1, canon, name, bf.text_of(v)) for l1, _, canon, name, v in inds]}
        a = draw(decimals(max_int=10**9, places=(0, 4)))
        b = draw(decimals(max_int=10**9, places=(0, 4)))
        if kind == "project":
            name = draw(st.sampled_from(PROJECTS))
            want.update(name=name, total=a + b, fiscal=a, other=b)
            grid = [
                ["项目名称", name, "<", "<", "<", "<"],
                ["主管部门", unit, "<", "实施单位", unit, "<"],
                ["项目资金（万元）", "年度资金总额", "<", amount_text(a + b), "<", "<"],
                ["^", "其中：财政拨款", "<", amount_text(a), "<", "<"],
                ["^", "其他资金", "<", amount_text(b), "<", "<"],
                ["年度目标", f"完成{name}年度任务，提高资金使用效益。", "<", "<", "<", "<"],
                *bf._indicator_rows("绩效指标", 6, block, name_span=2),
            ]
            specs.append(bf.Form(sheet="项目支出", grid=grid,
                                 before=[f"{year}年度项目支出绩效目标表", f"填报单位：{unit}", "金额单位：万元"],
                                 after=["项目负责人：李明", "联系电话：0731-1234567"]))
        else:
            want.update(name=unit, total=a + b, basic=a, project=b)
            grid = [
                ["部门 (单位) 基本情况", "部门(单位)名称", unit, "<", "<", "<"],
                ["^", "部门(单位)职能描述", f"{unit}负责本行业的规划、管理和公共服务。", "<", "<", "<"],
                ["部门 (单位) 资金情况", "支出预算(本级)", "名称", f"{year}年度预算金额(万元)", "<", "<"],
                ["^", "^", "基本支出", amount_text(a), "<", "<"],
                ["^", "^", "项目支出", amount_text(b), "<", "<"],
                ["^", "^", "资金总额(万元)", amount_text(a + b), "<", "<"],
                ["部门(单位)绩效目标", "<", "保障机关正常运转，完成年度重点工作任务。", "<", "<", "<"],
                *bf._indicator_rows("绩效指标", 6, block, name_span=2),
            ]
            specs.append(bf.Form(sheet="部门整体支出", grid=grid,
                                 before=[f"{unit}{year}年部门整体支出绩效目标表", f"编制单位：{unit}"]))
        expected.append(want)
    return bf.Variant("random", "random forms", specs), expected


def pipe_text(tab_text: str, framed: bool = True) -> str:
    """Each tab row as `| a | b | c |` (framed) or `a | b | c` (as copied from some pages); a
    line without tabs stays free text."""
    def row(cells: list[str]) -> str:
        return f"| {' | '.join(cells)} |" if framed else " | ".join(cells)

    return "\n".join(row(line.split(chr(9))) if "\t" in line else line for line in tab_text.splitlines()) + "\n"


def renderings(variant) -> dict[str, bytes]:
    tab = bf.render_txt(variant)
    text = tab.decode("utf-8")
    return {"tab.txt": tab, "pipe.txt": pipe_text(text).encode("utf-8"),
            "pipe_open.txt": pipe_text(text, framed=False).encode("utf-8"),
            "aligned.txt": (aligned(text) + "\n").encode("utf-8"),
            "form.docx": bf.render_docx(variant), "form.xlsx": bf.render_xlsx(variant)}


def figures(form) -> dict:
    """What the model read, in the shape of `expected`."""
    got = {"kind": form.kind, "year": form.year,
           "indicators": [(i.level1, i.level2, i.name, i.value) for i in form.indicators]}
    if form.kind == "project":
        got.update(name=form.project_name.value if form.project_name else None,
                   total=form.total.amount if form.total else None,
                   fiscal=form.fiscal.amount if form.fiscal else None,
                   other=form.other_funds.amount if form.other_funds else None)
        units = {m.unit for m in (form.total, form.fiscal, form.other_funds) if m}
    else:
        got.update(name=form.unit_name.value if form.unit_name else None,
                   total=form.total.amount if form.total else None,
                   basic=form.basic.amount if form.basic else None,
                   project=form.project.amount if form.project else None)
        units = {m.unit for m in (form.total, form.basic, form.project) if m}
    assert units <= {"万元"}, units
    return got


@settings(CI, max_examples=40)
@given(forms())
def test_random_forms_read_back_from_every_rendering(spec):
    variant, expected = spec
    findings = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in renderings(variant).items():
            path = Path(tmp) / name
            path.write_bytes(data)
            result = check_file(str(path))
            assert result.status == "checked", (name, result.error)
            no_float(result.submission)
            got = [figures(form) for form in result.submission.forms]
            assert got == expected, name
            findings[name] = sorted((f.rule, f.form, f.message) for f in result.findings)
    first = findings["tab.txt"]
    for name, found in findings.items():
        assert found == first, name


def test_unframed_pipe_row_keeps_its_leading_empty_cell(tmp_path):
    path = tmp_path / "pipe.txt"
    path.write_text("2024年度项目支出绩效目标表\n"
                    "绩效指标 | 一级指标 | 二级指标 | 三级指标 |  | 指标值\n"
                    " | 满意度指标 | 服务对象满意度指标 | 参训学员满意度 |  | 持续提升\n"
                    " |  |  | 服务对象满意度 |  | 持续提升\n", encoding="utf-8")
    assert read_document(str(path)).rows[-1].texts == ["", "", "", "服务对象满意度", "", "持续提升"]
    indicators = load_submission(str(path)).forms[0].indicators
    assert [(i.name, i.value) for i in indicators] == [("参训学员满意度", "持续提升"), ("服务对象满意度", "持续提升")]


def test_two_cell_pipe_row_is_split(tmp_path):
    path = tmp_path / "pipe.txt"
    path.write_text("2024年度项目支出绩效目标表\n项目名称 | 科普基金\n"
                    "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值\n"
                    " | 产出指标 | 数量指标 | 培训人次 | ≥100人次\n", encoding="utf-8")
    assert load_submission(str(path)).forms[0].project_name.value == "科普基金"


# ==== 4. random fact streams through the engine =====================================================

BOOK = load_rulebook(Config())
RULE_KINDS = sorted(k for k in (BOOK.kinds or ()) if k != END_KIND)
RULE_FIELDS = sorted(BOOK.fields - {"fid", "kind", "sid", "id", "form", "loc"})
EXTREME_INTS = [0, -1, 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**30, -(10**30)]

scalars = st.one_of(
    st.integers(-(2**70), 2**70), st.sampled_from(EXTREME_INTS), st.booleans(),
    st.text(max_size=20), st.sampled_from(["", "—", "万元", "0.00", "≥90%", "\x00", "\U0001F600", "满意度指标"]),
)
field_values = st.one_of(scalars, st.lists(scalars, max_size=4))
field_names = st.one_of(st.sampled_from(RULE_FIELDS), st.text(min_size=1, max_size=12)).filter(
    lambda k: k not in ("fid", "kind", "id", "sid", "form", "loc"))


@st.composite
def fact_streams(draw):
    facts = []
    for i in range(draw(st.integers(0, 14))):
        fact = {"fid": f"f{i}", "kind": draw(st.sampled_from(RULE_KINDS + ["no_such_kind", ""])),
                "form": draw(st.integers(-1, 3)), "loc": draw(st.integers(0, 5))}
        fact.update(draw(st.dictionaries(field_names, field_values, max_size=12)))
        facts.append(fact)
    # No duplicate fids here: a stream the engine refuses before any action ran can kill the
    # process (see test_a_refused_first_session_is_an_engine_error_not_a_crash).
    return facts


def _sids_since(start: int) -> range:
    return range(start + 1, int(next(engine._SIDS)))


@settings(CI, max_examples=300)
@given(fact_streams())
def test_random_fact_streams_never_crash_the_engine(facts):
    name = engine.ruleset_name(BOOK)
    start = int(next(engine._SIDS))
    try:
        matches = engine.run_session(BOOK, [dict(f) for f in facts])
        engine.render(BOOK, matches, FactContext(), "zh")
    except engine.EngineError:
        pass  # the engine's one failure type; the pipeline reports it as an internal error
    # Through the public pipeline: a Result, never an exception.
    with mock.patch.object(engine, "build_facts", lambda *a, **k: [dict(f) for f in facts]):
        result = check_submission("random.txt", Submission(), CheckOptions())
    assert isinstance(result, Result)
    assert result.status == "checked" or result.error.code == "internal"
    assert engine.live_sessions() == 0
    sids = _sids_since(start)
    assert len(sids) >= 2
    assert not any(engine.session_exists(name, str(sid)) for sid in sids)


REFUSED_FIRST_SESSION = textwrap.dedent("""
    import sys
    import checker.engine as engine
    from checker.config import Config
    from checker.rulebook import load_rulebook
    book = load_rulebook(Config())
    fact = {"fid": "f0", "kind": sys.argv[1], "form": 0, "loc": 0}
    try:
        engine.run_session(book, [fact, dict(fact)])  # the same fid twice: refused
    except engine.EngineError:
        print("EngineError", engine.live_sessions())
""")


@pytest.mark.parametrize("kind", ["dept_amounts", "no_such_kind"])
def test_a_refused_first_session_is_an_engine_error_not_a_crash(kind):
    run = subprocess.run([sys.executable, "-c", REFUSED_FIRST_SESSION, kind], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.split() == ["EngineError", "0"], (run.returncode, run.stderr[-300:])
