"""The wheel is what users install: it must carry everything jixiao reads at run time.

The wheel is built from a copy of only what pyproject.toml names (checker/, rules/,
fixtures/cases/, README.md), installed into a fresh venv in a temporary directory outside the
source tree, and run there: `jixiao --version`, `jixiao explain`, and `jixiao check` on a seed,
whose findings must be those of the source tree. On Python 3.13 the engine wheel comes from
scripts/engine_wheel.py (JIXIAO_WHEELHOUSE names a directory that already holds it, as .ci/run
does). pip's cache is used, so after the first run the cost is a venv and an unpack.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
PIP_QUIET = ["-q", "--disable-pip-version-check"]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_under_checker_is_in_the_wheel_list():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "checker").rglob("__init__.py")
    }
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_requires_python_is_capped_at_what_ci_tests():
    spec = _pyproject()["project"]["requires-python"]
    assert ">=3.11" in spec and "<3.14" in spec
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "3.12" in ci and "3.13" in ci


def _engine_wheelhouse(tmp: Path) -> list[str]:
    """--find-links for the engine: needed on 3.13, where the plain source build cannot import."""
    given = os.environ.get("JIXIAO_WHEELHOUSE")
    if given:
        return ["--find-links", given]
    if sys.version_info < (3, 13):
        return []
    spec = importlib.util.spec_from_file_location("engine_wheel", ROOT / "scripts" / "engine_wheel.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    house = tmp / "wheelhouse"
    module.build(str(house))
    return ["--find-links", str(house)]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding only the built wheel and its dependencies."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for folder in ("checker", "rules", "fixtures/cases"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", *PIP_QUIET, "--no-deps", "-w", str(dist), str(src)],
                   check=True, cwd=tmp)
    (wheel,) = dist.glob("jixiao-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", *PIP_QUIET]
    subprocess.run([*pip, *_engine_wheelhouse(tmp), str(wheel)], check=True, cwd=tmp)
    shutil.rmtree(src)  # nothing may be read from the copy the wheel was built from
    return venv / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, JIXIAO_CACHE_DIR="")
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(bin_dir / "jixiao"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=600)


def test_wheel_carries_the_rules_cases_and_vocabulary(installed):
    (wheel,) = installed.parent.parent.glob("dist/jixiao-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule_file in (ROOT / "rules").glob("*.yaml"):
        assert f"checker/rules_data/{rule_file.name}" in names
    for case in (ROOT / "fixtures" / "cases").glob("*.yaml"):
        assert f"checker/cases_data/{case.name}" in names
    for data in (ROOT / "checker").rglob("*.yaml"):  # the extractor's own vocabulary files, if any
        assert data.relative_to(ROOT).as_posix() in names


def test_installed_wheel_checks_the_seeds_outside_the_source_tree(installed, tmp_path):
    from checker import __version__

    version = _run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"jixiao {__version__}"
    explain = _run(installed, "explain", "A01", cwd=tmp_path)
    assert explain.returncode == 0 and "A01" in explain.stdout, explain.stderr
    for seed in SEEDS:
        shutil.copy2(seed, tmp_path / seed.name)
    out = _run(installed, "check", *[s.name for s in SEEDS], "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    installed_results = json.loads(out.stdout)["results"]

    here = subprocess.run([sys.executable, "-m", "checker", "check", *map(str, SEEDS), "--format", "json",
                           "--fail-on", "never"], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, JIXIAO_CACHE_DIR=""))
    source_results = json.loads(here.stdout)["results"]
    assert len(installed_results) == len(SEEDS) == len(source_results)
    for got, want in zip(installed_results, source_results):
        assert got["status"] == "checked"
        assert [f["rule"] for f in got["findings"]] == [f["rule"] for f in want["findings"]]
        assert (got["grade"], got["score"]) == (want["grade"], want["score"])


def test_an_engine_built_without_the_313_fix_says_how_to_fix_it():
    """What a Python 3.13 user sees after a plain `pip install`: the one command that fixes it."""
    probe = (
        "import sys\n"
        "class Broken:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'durable_rules_engine':\n"
        "            raise ImportError('durable_rules_engine.so: undefined symbol: PyEval_CallObject')\n"
        "sys.meta_path.insert(0, Broken())\n"
        "sys.modules.pop('durable_rules_engine', None)\n"
        "import checker.engine\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode != 0
    assert "scripts/engine_wheel.py" in run.stderr and "Python 3.13" in run.stderr
