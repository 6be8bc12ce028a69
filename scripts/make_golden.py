"""Regenerate fixtures/golden/*.json: the parsed figures of the seeds and real docs.

Run after a deliberate extractor change, review the diff, and commit it:
    .venv/bin/python scripts/make_golden.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model import Money, form_total, wan_str  # noqa: E402
from checker.pipeline import load_submission  # noqa: E402

# Real docs whose reading has been reviewed by a person; the rest are checked for
# "no traceback, and what could not be read is said" only.
GOLDEN_SOURCES = [
    "seeds/000_92e3f18c72746f64.txt",
    "seeds/004_c1547cbaa6d14459.txt",
    "real-docs/07_chizhou_tangxi_xiangmu_ziping_2022.txt",
    "real-docs/08_xiangtan_huanwei_wupaoche_shenbao_2023.txt",
    "real-docs/10_guangyuan_zhaohua_weijian_tekun_shenbao_2021.txt",
    "real-docs/12_yangquan_gonglu_xiangmu_shenbao_2021.txt",
    "real-docs/13_yueyang_gaobiaozhunnongtian_shenbao_2022.txt",
    "real-docs/16_luan_jinan_canlian_kangfu_xiangmu_2023.txt",
    "real-docs/19_wangcheng_kepu_zhuanxiang_shenbao_2017.txt",
    "real-docs/21_nanyue_shiyan_zhongxue_zhengti_2017.txt",
    "real-docs/22_qingshan_jiaoyu_boruo_xuexiao_2020.txt",
]
AMOUNT_FIELDS = ("total", "basic", "project", "general_budget", "gov_fund", "other_funds", "fiscal",
                 "special_amount", "cost_total")


def figures(path: Path) -> dict:
    sub = load_submission(str(path))
    forms = []
    for form in sub.forms:
        amounts = {}
        for name in AMOUNT_FIELDS:
            value = getattr(form, name, None)
            if isinstance(value, Money):
                amounts[name] = {"amount": str(value.amount), "unit": value.unit, "wan": wan_str(value.wan)}
        total = form_total(form)
        forms.append({
            "kind": form.kind,
            "year": form.year,
            "unit_name": form.unit_name.value if form.unit_name else None,
            "total_wan": wan_str(total.wan) if total else None,
            "amounts": amounts,
            "indicators": [[i.level1, i.level2, i.name, i.value] for i in form.indicators],
        })
    return {"forms": forms}


def golden_path(source: str) -> Path:
    return ROOT / "fixtures" / "golden" / (Path(source).stem + ".json")


def main() -> None:
    for source in GOLDEN_SOURCES:
        data = figures(ROOT / "fixtures" / source)
        golden_path(source).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", golden_path(source).name)


if __name__ == "__main__":
    main()
