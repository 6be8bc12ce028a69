"""Build a durable-rules wheel for the running interpreter into a directory (a wheelhouse).

    python scripts/engine_wheel.py WHEELHOUSE
    pip install --find-links WHEELHOUSE .        # pip then takes the engine from WHEELHOUSE

durable-rules 2.0.28 (the last release) ships only as source. On Python <= 3.12 it compiles as
it is, and this script only asks pip for the usual wheel. Python 3.13 removed the C macro
`PyEval_CallObject` that its module calls, so it builds but cannot be imported. Its setup.py
overwrites CFLAGS, but setuptools honours CC, so the source is compiled here with
`CC="<cc> -include scripts/durable_rules_py313.h -Werror=implicit-function-declaration"`:
the header restores the macro as the documented replacement `PyObject_CallObject`, and the
-Werror makes any other API missing from the headers a build failure instead of a silently
truncated pointer. The source is built from an unpacked directory, so a wheel that pip may
have cached from an earlier, plain build is never reused.
"""

from __future__ import annotations

import glob
import os
import shlex
import subprocess
import sys
import sysconfig
import tarfile
import tempfile

ENGINE = "durable-rules==2.0.28"
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "durable_rules_py313.h")
NEEDS_SHIM = sys.version_info >= (3, 13)


def _pip(*args: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, env=env)


def _tag() -> str:
    return f"cp{sys.version_info.major}{sys.version_info.minor}"


def existing(wheelhouse: str) -> str | None:
    found = glob.glob(os.path.join(wheelhouse, f"durable_rules-*-{_tag()}-*.whl"))
    return found[0] if found else None


def shim_cc() -> str:
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return f"{cc} -include {shlex.quote(HEADER)} -Werror=implicit-function-declaration"


def build(wheelhouse: str) -> str:
    """The engine wheel for this interpreter in `wheelhouse`, built if it is not there yet."""
    os.makedirs(wheelhouse, exist_ok=True)
    have = existing(wheelhouse)
    if have:
        return have
    quiet = ["-q"] if os.environ.get("CI") is None else []
    if not NEEDS_SHIM:
        _pip("wheel", *quiet, "--no-deps", "-w", wheelhouse, ENGINE)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _pip("download", *quiet, "--no-deps", "--no-binary", ":all:", "-d", tmp, ENGINE)
            (sdist,) = glob.glob(os.path.join(tmp, "*.tar.gz"))
            with tarfile.open(sdist) as tar:
                tar.extractall(tmp, filter="data")
            (source,) = [p for p in glob.glob(os.path.join(tmp, "*")) if os.path.isdir(p)]
            env = dict(os.environ, CC=shim_cc())
            _pip("wheel", *quiet, "--no-deps", "-w", wheelhouse, source, env=env)
    have = existing(wheelhouse)
    if not have:
        raise SystemExit(f"no durable-rules wheel for {_tag()} in {wheelhouse}")
    return have


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(build(sys.argv[1]))
