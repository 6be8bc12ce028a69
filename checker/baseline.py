"""--baseline PREVIOUS.json: mark findings new / still open / fixed (placeholder until issue 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from checker.model import Result


def load_baseline(path: Path, only_new: bool = False) -> Callable[[Result], None]:
    raise NotImplementedError("baseline comparison is not implemented yet")
