"""Accumulate what was read for one form, then build the typed pydantic form."""

from __future__ import annotations

import re
from decimal import Decimal

from checker.extract.unitname import clean_unit, is_placeholder_unit, looks_like_unit
from checker.extract.values import date_year, period_year
from checker.extract.vocabulary import UNIT_NAME_ORDER
from checker.model import (
    Contacts, CostLine, DepartmentForm, Indicator, Location, Money, PlanItem, ProjectForm,
    SpecialFundSummaryForm, SpendingDirectionForm, SummaryLine, Text,
)

FORM_CLASSES = {
    "department": DepartmentForm,
    "project": ProjectForm,
    "special_fund_summary": SpecialFundSummaryForm,
    "spending_direction": SpendingDirectionForm,
}
CONTACT_FIELDS = {"filler", "phone", "unit_leader", "project_leader", "seal_unit", "filing_unit", "date"}
DEFAULT_UNIT = "万元"  # an amount whose unit the form does not say
_SEAL = re.compile(r"[(（]\s*(盖章|签章|签名|签字|公章)\s*[)）]")


class FormBuilder:
    def __init__(self, kind: str | None, title: str = "", title_loc: Location | None = None):
        self.kind = kind  # None: a cover page (its contacts/year are inherited by the forms)
        self.title = title
        self.title_loc = title_loc
        self.variant = ""
        self.year: int | None = None
        self.column_years: set[int] = set()  # years naming amount columns ("2021年金额")
        self.declared_unit: str | None = None
        self.text: dict[str, Text] = {}
        self.money: dict[str, tuple[Decimal, str | None, str, Location]] = {}
        self.plans: list[PlanItem] = []
        self.measures: list[Text] = []
        self.indicators: list[Indicator] = []
        self.cost_lines: list[CostLine] = []
        self.cost_total: tuple[Decimal, str | None, str, Location] | None = None
        self.lines: list[tuple[SummaryLine, tuple[Decimal, str | None, str, Location] | None]] = []
        self.texts: list[Text] = []
        self.notes: list[str] = []
        self.has_income_breakdown = False
        self.has_explanation_column = False
        self.has_standard_column = False
        self.money_how: dict[str, str] = {}
        self.blank_money: dict[str, str] = {}  # money labels with nothing after them -> how sure
        # How the reader left the form: the state it was in after the last row ("fields",
        # "indicators", "cost", "summary"), whether that row closed the table (a footer label such
        # as 填表人/注:), and the last cell read. checker.extract.truncation judges from these.
        self.end_state = "fields"
        self.ended_by_footer = False
        self.last_loc: Location | None = None
        self.incomplete = False
        self.stops_at: str | None = None
        self.stops_loc: Location | None = None

    # -- setters: the first real value wins; a filled value replaces a blank one ---------
    def set_text(self, field: str, value: str, loc: Location | None, how: str = "label") -> None:
        value = _SEAL.sub("", value).strip() if field in CONTACT_FIELDS or field == "unit_name" else value.strip()
        current = self.text.get(field)
        if current is None or (not current.value and value):
            self.text[field] = Text(value=value, loc=loc, how=how)

    def set_money(self, field: str, amount: Decimal, unit: str | None, raw: str, loc: Location,
                  how: str = "label") -> None:
        if field not in self.money:
            self.money[field] = (amount, unit, raw, loc)
            self.money_how[field] = how

    def note_blank_money(self, field: str, how: str = "label") -> None:
        """The label of a money field is there and nothing was read after it."""
        if self.blank_money.get(field) != "label":
            self.blank_money[field] = how

    def has_content(self) -> bool:
        return bool(self.indicators or self.money or self.lines or self.cost_lines
                    or set(self.text) - CONTACT_FIELDS or self.plans)

    # -- build ---------------------------------------------------------------------------
    def _money(self, entry, default_unit: str, how: str = "label") -> Money:
        amount, unit, raw, loc = entry
        return Money(amount=amount, unit=unit or self.declared_unit or default_unit, raw=raw, loc=loc, how=how)

    def _contacts(self) -> Contacts:
        """The seal line is the filing unit's (填报单位(盖章)) or a bare 单位(盖章)."""
        fields = {f: t for f, t in self.text.items() if f in CONTACT_FIELDS and f != "filing_unit"}
        filing = self.text.get("filing_unit")
        if filing is not None and (filing.value or "seal_unit" not in fields):
            fields["seal_unit"] = filing
        return Contacts(**fields)

    def _unit_name(self) -> Text | None:
        """The first filled field in UNIT_NAME_ORDER that names an organisation (局, 中心, 学校 …),
        else the first that is not a placeholder, with a trailing code or label fragment dropped;
        else a blank labelled 单位名称 as read."""
        names = [(text, clean_unit(text.value)) for text in (self.text.get(f) for f in UNIT_NAME_ORDER)
                 if text is not None]
        names = [(text, name) for text, name in names if not is_placeholder_unit(name)]
        best = next(((t, n) for t, n in names if looks_like_unit(n)), names[0] if names else None)
        if best is not None:
            return Text(value=best[1], loc=best[0].loc, how=best[0].how)
        return self.text.get("unit_name")

    def _fallback_year(self, period: Text | None) -> int | None:
        """Without a year in the title or a (2024年度) line: a project period within one calendar year,
        the one year naming the amount columns, then the 填报日期 (not on a self-evaluation, which is
        filled in the year after)."""
        if period is not None and period_year(period.value):
            return period_year(period.value)
        if len(self.column_years) == 1:
            return next(iter(self.column_years))
        date = self.text.get("date")
        if date is not None and self.variant != "自评表" and "自评" not in self.title:
            return date_year(date.value)
        return None

    def _joined_period(self) -> Text | None:
        """项目开始时间 | 2024年3月 | 项目结束时间 | 2024年11月: one period."""
        start, end = self.text.get("period_start"), self.text.get("period_end")
        if start is None or end is None or not (start.value or end.value):
            return None
        return Text(value=f"{start.value}-{end.value}", loc=start.loc)

    def _runs_within_the_year(self, data: dict) -> bool:
        period = data.get("period")
        return period is not None and data.get("year") is not None and period_year(period.value) == data["year"]

    def build(self, inherited: "FormBuilder | None"):
        """The typed form: the fields read, what the cover page gives, the form's unit and year, and
        each kind's amounts; what could not be read becomes a note."""
        cls = FORM_CLASSES[self.kind]
        if self.money and not self.declared_unit and not all(e[1] for e in self.money.values()):
            self.notes.append("未注明金额单位，按万元理解。")
        data: dict = {
            "title": self.title, "title_loc": self.title_loc, "year": self.year,
            "amount_unit": self.declared_unit, "plans": self.plans, "measures": self.measures,
            "indicators": self.indicators, "texts": self.texts, "notes": self.notes,
            "has_explanation_column": self.has_explanation_column,
            "has_standard_column": self.has_standard_column,
        }
        self._inherit(inherited, data)
        self._fields(set(cls.model_fields), data)
        if data.get("year") is None:
            data["year"] = self._fallback_year(data.get("period"))
            data["year_inferred"] = data["year"] is not None
        {"project": self._project_amounts, "department": self._department_amounts,
         "spending_direction": self._direction_amounts,
         "special_fund_summary": self._summary_amounts}[self.kind](data)
        self._missing_notes(data)
        return cls.model_validate(data)

    def _inherit(self, inherited: "FormBuilder | None", data: dict) -> None:
        """A cover page's year and contacts carry over to the forms after it."""
        if inherited is None:
            return
        if data["year"] is None:
            data["year"] = inherited.year
        for field, text in inherited.text.items():
            if field in CONTACT_FIELDS and field not in self.text:
                self.text[field] = text

    def _fields(self, allowed: set[str], data: dict) -> None:
        data["contacts"] = self._contacts()
        for field, text in self.text.items():
            if field in allowed and field not in CONTACT_FIELDS:
                data[field] = text
        unit = self._unit_name()
        if unit is not None:
            data["unit_name"] = unit
        if "unit_name" in self.text:
            data["unit_label"] = self.text["unit_name"]
        for field, entry in self.money.items():
            if field in allowed:
                data[field] = self._money(entry, DEFAULT_UNIT, self.money_how.get(field, "label"))
        data["blank_money"] = {f: h for f, h in self.blank_money.items() if f in allowed and f not in self.money}
        data["incomplete"] = self.incomplete
        data["stops_at"] = self.stops_at
        data["stops_loc"] = self.stops_loc
        if "period" in allowed and "period" not in data:
            period = self._joined_period()
            if period is not None:
                data["period"] = period

    def _project_amounts(self, data: dict) -> None:
        data["variant"] = self.variant
        data["cost_lines"] = self.cost_lines
        if "fiscal" not in data and "general_budget" in self.money:
            data["fiscal"] = self._money(self.money["general_budget"], DEFAULT_UNIT)  # a project's 财政拨款
        if "total" not in data and "fiscal" in data:
            data["total"] = data["fiscal"]  # the only amount the table gives
        if "total" not in data and "project_budget" in self.money and self._runs_within_the_year(data):
            data["total"] = self._money(self.money["project_budget"], DEFAULT_UNIT)

    def _department_amounts(self, data: dict) -> None:
        data["has_income_breakdown"] = self.has_income_breakdown
        if "special_account" in self.money:
            self.notes.append("读到“纳入专户管理的非税收入拨款”，计入其他资金。")
            extra = self._money(self.money["special_account"], DEFAULT_UNIT)
            other = data.get("other_funds")
            data["other_funds"] = extra if other is None else Money(
                amount=other.wan + extra.wan, unit="万元", raw=f"{other.raw}+{extra.raw}", loc=other.loc)

    def _direction_amounts(self, data: dict) -> None:
        data["cost_lines"] = self.cost_lines
        if self.cost_total:
            data["cost_total"] = self._money(self.cost_total, DEFAULT_UNIT)

    def _summary_amounts(self, data: dict) -> None:
        lines = []
        for line, amount in self.lines:
            if amount is not None:
                line = line.model_copy(update={"amount": self._money(amount, DEFAULT_UNIT)})
            if line.level == "total" and amount is not None and "total" not in data:
                data["total"] = line.amount
            lines.append(line)
        data["lines"] = lines

    def _missing_notes(self, data: dict) -> None:
        if data.get("year") is None:
            self.notes.append("未能读取预算年度。")
        if not self.indicators and self.kind != "special_fund_summary":
            self.notes.append("未能读取绩效指标。")
        if "total" not in data:
            self.notes.append("未能读取资金总额。")
