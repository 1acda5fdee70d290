"""The JSON Lines export: ``Incident.to_dict()``, one incident per line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from corroborate.model import Incident

__all__ = ["write_jsonl"]


def write_jsonl(incidents: Iterable[Incident], out: TextIO) -> int:
    """Write one JSON object per incident to ``out``; return the number of lines."""
    count = 0
    for incident in incidents:
        out.write(json.dumps(incident.to_dict(), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
