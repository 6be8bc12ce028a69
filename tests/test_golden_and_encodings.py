"""Parsed figures of seeds and real docs against reviewed golden files; encodings."""

import json
import sys

import pytest

from conftest import FIXTURES, REAL_DOCS, ROOT, SEED_000, SEED_004

sys.path.insert(0, str(ROOT / "scripts"))
from make_golden import GOLDEN_SOURCES, figures, golden_path  # noqa: E402

from checker.pipeline import load_submission  # noqa: E402


@pytest.mark.parametrize("source", GOLDEN_SOURCES, ids=lambda s: s.split("/")[-1][:12])
def test_golden_figures(source):
    expected = json.loads(golden_path(source).read_text(encoding="utf-8"))
    assert figures(FIXTURES / source) == expected


def test_golden_covers_seeds_and_eight_real_docs():
    real = [s for s in GOLDEN_SOURCES if s.startswith("real-docs/")]
    assert len(real) >= 8 and any("000_" in s for s in GOLDEN_SOURCES) and any("004_" in s for s in GOLDEN_SOURCES)


@pytest.mark.parametrize("path", REAL_DOCS, ids=lambda p: p.name[:12])
def test_every_real_doc_reads_without_traceback_and_says_what_it_missed(path):
    sub = load_submission(str(path))
    assert sub.forms or sub.notes  # a form, or a note saying none was recognised
    for form in sub.forms:
        if not form.indicators or form.year is None:
            assert form.notes, f"{path.name}: missing parts must be noted"


@pytest.mark.parametrize("seed", [SEED_000, SEED_004], ids=["000", "004"])
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_give_the_same_model(tmp_path, seed, encoding):
    text = seed.read_text(encoding="utf-8")
    copy = tmp_path / f"copy.{encoding}.txt"
    copy.write_bytes(text.encode(encoding))
    original = load_submission(str(seed)).model_dump(exclude={"source"})
    assert load_submission(str(copy)).model_dump(exclude={"source"}) == original
