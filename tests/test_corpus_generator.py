"""The synthetic corpus generator (benchmarks/make_corpus.py): deterministic, and its manifest
says exactly what it wrote."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


make_corpus = _load()
N = 10


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    make_corpus.generate(N, first, seed=7, jobs=1)
    make_corpus.generate(N, second, seed=7, jobs=1)
    assert _files(first) == _files(second)
    make_corpus.generate(N, tmp_path / "c", seed=8, jobs=1)
    assert _files(first) != _files(tmp_path / "c")


def test_manifest_matches_the_files(tmp_path):
    manifest = make_corpus.generate(N, tmp_path, seed=3, jobs=1)
    assert manifest == json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in tmp_path.iterdir() if p.name != "manifest.json"}
    assert on_disk == set(manifest["files"]) and len(on_disk) == N
    kinds = {"department", "project", "special_fund_summary", "spending_direction"}
    for name, entry in manifest["files"].items():
        data = (tmp_path / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert name.endswith({"docx": ".docx", "xlsx": ".xlsx", "txt": ".txt", "tika.txt": ".txt"}[entry["format"]])
        assert set(entry["forms"]) <= kinds and len(entry["forms"]) == len(entry["layouts"])
        assert entry["clean"] == (not entry["defects"])
        assert len(entry["defects"]) <= 3
        rules = [d["rule"] for d in entry["defects"]]
        assert len(rules) == len(set(rules)) and set(rules) <= set(make_corpus.DEFECTS)
        for d in entry["defects"]:
            assert 0 <= d["form"] < len(entry["forms"]) and d["kind"] == entry["forms"][d["form"]] and d["detail"]
        if entry["format"] in ("txt", "tika.txt"):
            text = data.decode("utf-8")
            assert ("[bookmark: _GoBack]" in text) == ("T04" in rules)
    summary = manifest["summary"]
    assert summary["files"] == N and summary["clean"] == sum(e["clean"] for e in manifest["files"].values())
    assert summary["defects"] == sum(len(e["defects"]) for e in manifest["files"].values())


def test_amounts_reconcile_in_a_clean_department_table():
    import random

    rng = random.Random(5)
    dom = make_corpus.DOMAINS[0]
    spec = make_corpus.department(rng, 2024, dom, "株洲市", "株洲市科学技术协会", "dept_d2")
    money = {k: make_corpus.D(v or "0") for k, v in spec.money.items()}
    assert money["total"] == money["basic"] + money["project"]
    assert money["total"] == money["general"] + money["gov"] + money["other"]
    assert 10 <= len(spec.inds) <= 40
    assert {i.l1 for i in spec.inds} == {"产出指标", "成本指标", "效益指标", "满意度指标"}


def test_thousands_of_files_build_without_error():
    """Every defect combination the draw produces can be applied and laid out (no rendering)."""
    seen = set()
    for index in range(3000):
        _, _, entry = make_corpus.make_file(11, index, render=False)
        seen.update(d["rule"] for d in entry["defects"])
    assert {"A01", "A03", "A04", "A05", "A06", "A07", "T01", "T03", "T04", "K01", "K05"} <= seen


def test_an_injected_unit_cost_agrees_with_neither_the_budget_nor_a_cost_line():
    """A11 accepts a unit cost matching the budget or one 支出明细 line (a component's cost), so the
    injected factor must miss both for every quantity in its unit (seed 7 file 15 hit a cost line)."""
    import random

    D, injected = make_corpus.D, 0
    for seed in range(300):
        rng = random.Random(seed)
        spec = make_corpus.direction(rng, 2023, rng.choice(make_corpus.DOMAINS), "南平市", "南平市科学技术协会")
        ind = next((i for i in spec.inds if i.tag == "cost-unit"), None)
        if ind is None or not make_corpus.inject("A11", spec, rng, [spec]):
            continue
        injected += 1
        per = ind.unit.split("/", 1)[1]
        quantities = [make_corpus._quantity_number(q) for q in spec.inds
                      if q is not ind and make_corpus._matching_quantity([q], per)]
        for n in quantities:
            for target in [spec.budget_wan, *(c.amount for c in spec.costs)]:
                assert abs(ind.number * n / 10000 - target) > target * D("0.2"), (seed, ind.value, target)
    assert injected > 30
