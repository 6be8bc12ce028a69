from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED_000 = FIXTURES / "seeds" / "000_92e3f18c72746f64.txt"
SEED_004 = FIXTURES / "seeds" / "004_c1547cbaa6d14459.txt"
REAL_DOCS = sorted((FIXTURES / "real-docs").glob("*.txt"))


@pytest.fixture(scope="session")
def seed_000():
    from checker.pipeline import load_submission

    return load_submission(str(SEED_000))


@pytest.fixture(scope="session")
def seed_004():
    from checker.pipeline import load_submission

    return load_submission(str(SEED_004))
