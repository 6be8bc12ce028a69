"""Which text names a form's unit: never a placeholder, a label's tail or a title fragment."""

from __future__ import annotations

import re

from checker.extract.vocabulary import FIELD_LABELS, UNIT_ENDINGS, UNIT_PLACEHOLDER, from_labels

# A code written after the name ("原州区宗教事务局116422210101621779"); a leading code is kept as written.
_TRAILING_CODE = re.compile(r"[\s\-_:：]*\d{6,}$")


@from_labels
def _label_heads() -> set[str]:
    return {lab[:n] for lab in FIELD_LABELS for n in range(2, len(lab))}


def looks_like_unit(name: str) -> bool:
    """An organisation's name: it ends with what organisations are called (局, 中心, 学校 …)."""
    return name.endswith(UNIT_ENDINGS) and not is_placeholder_unit(name)


def is_placeholder_unit(name: str) -> bool:
    """A template placeholder, or a cell too short or too numeric to name anyone ("年", "2021.3")."""
    name = name.strip()
    return len(re.sub(r"[\d\W年月日]", "", name)) < 2 or bool(UNIT_PLACEHOLDER.search(name))


def clean_unit(name: str) -> str:
    """Drop a trailing code and the start of the next label run on after the name
    ("区园林和林业局项目" where 项目 begins 项目名称)."""
    name = _TRAILING_CODE.sub("", name.strip())
    if name.endswith(UNIT_ENDINGS):
        return name
    for cut in range(len(name) - 1, max(len(name) - 6, 1), -1):
        head, tail = name[:cut], name[cut:]
        if tail in _label_heads() and head.endswith(UNIT_ENDINGS):
            return head
    return name
