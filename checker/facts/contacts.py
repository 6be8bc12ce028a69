"""K family facts: the contact, signature and seal lines of each form.

Kind built here:

- `contact` — one per contact line whose label is in the form (a line the template lacks gives
  no fact): `field` (filler / phone / unit_leader / project_leader / seal_unit), `label_zh`,
  `label_en`, `value`, `state`:
  - filler, project_leader: "blank", "invalid" (digits, a placeholder, not name-like) or "ok";
  - phone: "blank", "invalid", "local" (7–8 digits without an area code) or "ok";
  - unit_leader, seal_unit: "blank", "invalid" (a placeholder) or "ok".
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from checker.facts.vocab import form_names, norm, normed_set, words
from checker.model import Submission

FIELDS = {
    "filler": ("填表人/经办人", "form filler"),
    "phone": ("联系电话", "contact phone"),
    "unit_leader": ("单位负责人签字", "head of unit signature"),
    "project_leader": ("项目负责人", "project leader"),
    "seal_unit": ("编制/填报单位（盖章）", "preparing unit (seal)"),
}
_NAME_PART = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{2,8}·[\u4e00-\u9fff]{2,8}|[A-Za-z][A-Za-z.\- ]{1,40})$")
_NAME_SPLIT = re.compile(r"[、,，/;；\s]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
_LOCAL = re.compile(r"^\d{7,8}$")
_SEAL_WORDS = re.compile(r"[(（]?(盖章|签章|公章)[)）]?")


def _placeholder(value: str, ctx: Any) -> bool:
    return norm(value) in normed_set(words(ctx, "placeholder_values"))


def name_state(value: str, ctx: Any) -> str:
    text = value.strip()
    if not text:
        return "blank"
    if _placeholder(text, ctx) or re.search(r"\d", text):
        return "invalid"
    parts = [p for p in _NAME_SPLIT.split(text) if p]
    return "ok" if parts and all(_NAME_PART.match(p) for p in parts) else "invalid"


def phone_state(value: str) -> str:
    text = re.sub(r"[\s()（）]", "", value).replace("－", "-").replace("—", "-")
    if not text:
        return "blank"
    numbers = [n for n in re.split(r"[、,，/;；]+", text) if n]
    states = []
    for number in numbers:
        if _MOBILE.match(number) or _LANDLINE.match(number):
            states.append("ok")
        elif _LOCAL.match(number):
            states.append("local")
        else:
            states.append("invalid")
    for state in ("invalid", "local"):
        if state in states:
            return state
    return "ok"


def seal_state(value: str, ctx: Any) -> str:
    text = _SEAL_WORDS.sub("", value).strip(" :：")
    if not text:
        return "blank"
    return "invalid" if _placeholder(text, ctx) else "ok"


def state_of(field: str, value: str, ctx: Any) -> str:
    if field in ("filler", "project_leader"):
        return name_state(value, ctx)
    if field == "phone":
        return phone_state(value)
    if field == "seal_unit":
        return seal_state(value, ctx)
    text = value.strip()
    if not text:
        return "blank"
    return "invalid" if _placeholder(text, ctx) else "ok"


def facts(submission: Submission, ctx: Any) -> Iterable[dict]:
    for index, form in enumerate(submission.forms):
        for field, (label_zh, label_en) in FIELDS.items():
            text = getattr(form.contacts, field, None)
            if text is None:
                continue  # the template has no such line
            value = (text.value or "").strip()
            fact = ctx.base("contact", index, form, text.loc)
            fact.update(form_names(form, index))
            fact.update({
                "field": field,
                "label_zh": label_zh,
                "label_en": label_en,
                "value": value,
                # An empty value not read with certainty (a label followed by another label in
                # free text) may be a misread: "unsure_blank", a warning to check.
                "state": "unsure_blank" if not value and not getattr(text, "certain", True)
                else state_of(field, value, ctx),
            })
            yield fact
