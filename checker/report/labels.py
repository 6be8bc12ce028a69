"""Display words for enumerations, zh (default) and en."""

KIND_LABELS = {
    "department": ("部门整体支出绩效目标表", "department-wide table"),
    "project": ("项目支出绩效目标表", "project table"),
    "special_fund_summary": ("专项资金绩效目标汇总表", "special-fund summary"),
    "spending_direction": ("专项资金支出方向绩效目标表", "spending-direction table"),
}

SEVERITY_LABELS = {
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = table.get(key, (key, key))
    return en if lang == "en" else zh
