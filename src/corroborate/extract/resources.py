"""Loading the versioned data files that hold extraction knowledge."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from corroborate.errors import ExtractionError

__all__ = ["data_text", "load_json"]


def data_text(relpath: str) -> str:
    """The text of a data file under ``corroborate/extract/data``."""
    try:
        return (resources.files("corroborate.extract") / "data" / relpath).read_text("utf-8")
    except FileNotFoundError as exc:
        raise ExtractionError(
            f"data file {relpath!r} is missing from the corroborate package; reinstall it"
        ) from exc


@cache
def load_json(relpath: str) -> Any:
    """A JSON data file, parsed once per process (the files are read-only)."""
    try:
        return json.loads(data_text(relpath))
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"data file {relpath!r} is not valid JSON: {exc}") from exc
