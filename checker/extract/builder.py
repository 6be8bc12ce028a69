"""Accumulate what was read for one form, then build the typed pydantic form."""

from __future__ import annotations

import re
from decimal import Decimal

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
CONTACT_FIELDS = {"filler", "phone", "unit_leader", "project_leader", "seal_unit", "date"}
_SEAL = re.compile(r"[(（]\s*(盖章|签章|签名|签字|公章)\s*[)）]")


class FormBuilder:
    def __init__(self, kind: str | None, title: str = "", title_loc: Location | None = None):
        self.kind = kind  # None: a cover page (its contacts/year are inherited by the forms)
        self.title = title
        self.title_loc = title_loc
        self.variant = ""
        self.year: int | None = None
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

    def build(self, inherited: "FormBuilder | None"):
        cls = FORM_CLASSES[self.kind]
        allowed = set(cls.model_fields)
        default_unit = "万元"
        if self.money and not self.declared_unit and not all(e[1] for e in self.money.values()):
            self.notes.append("未注明金额单位，按万元理解。")
        data: dict = {
            "title": self.title, "title_loc": self.title_loc, "year": self.year,
            "amount_unit": self.declared_unit, "plans": self.plans, "measures": self.measures,
            "indicators": self.indicators, "texts": self.texts, "notes": self.notes,
            "has_explanation_column": self.has_explanation_column,
            "has_standard_column": self.has_standard_column,
        }
        if inherited is not None:
            if data["year"] is None:
                data["year"] = inherited.year
            for field, text in inherited.text.items():
                if field in CONTACT_FIELDS and field not in self.text:
                    self.text[field] = text
        contacts = Contacts(**{f: t for f, t in self.text.items() if f in CONTACT_FIELDS})
        data["contacts"] = contacts
        for field, text in self.text.items():
            if field in allowed and field not in CONTACT_FIELDS:
                data[field] = text
        # No 单位名称 label: the unit that fills the table is the sealing unit, else the 实施单位 (the
        # budget unit that spends the money), and only then the 主管部门 above it.
        for fallback in (contacts.seal_unit, self.text.get("implementer"), self.text.get("department")):
            if "unit_name" not in data and fallback is not None and fallback.value:
                data["unit_name"] = fallback
        for field, entry in self.money.items():
            if field in allowed:
                data[field] = self._money(entry, default_unit, self.money_how.get(field, "label"))
        data["blank_money"] = {f: h for f, h in self.blank_money.items() if f in allowed and f not in self.money}
        data["incomplete"] = self.incomplete
        data["stops_at"] = self.stops_at
        data["stops_loc"] = self.stops_loc
        if self.kind == "project":
            data["variant"] = self.variant
            data["cost_lines"] = self.cost_lines
            if "total" not in data and "fiscal" in data:
                data["total"] = data["fiscal"]  # the only amount the table gives
        if self.kind == "department":
            data["has_income_breakdown"] = self.has_income_breakdown
            if "special_account" in self.money:
                self.notes.append("读到“纳入专户管理的非税收入拨款”，计入其他资金。")
                extra = self._money(self.money["special_account"], default_unit)
                other = data.get("other_funds")
                data["other_funds"] = extra if other is None else Money(
                    amount=other.wan + extra.wan, unit="万元", raw=f"{other.raw}+{extra.raw}", loc=other.loc)
        if self.kind == "spending_direction":
            data["cost_lines"] = self.cost_lines
            if self.cost_total:
                data["cost_total"] = self._money(self.cost_total, default_unit)
        if self.kind == "special_fund_summary":
            lines = []
            for line, amount in self.lines:
                if amount is not None:
                    line = line.model_copy(update={"amount": self._money(amount, default_unit)})
                if line.level == "total":
                    if amount is not None and "total" not in data:
                        data["total"] = line.amount
                lines.append(line)
            data["lines"] = lines
        if data.get("year") is None:
            self.notes.append("未能读取预算年度。")
        if not self.indicators and self.kind != "special_fund_summary":
            self.notes.append("未能读取绩效指标。")
        if "total" not in data:
            self.notes.append("未能读取资金总额。")
        return cls.model_validate(data)
