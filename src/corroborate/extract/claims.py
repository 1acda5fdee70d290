"""Statements about responsibility: claims, denials and refutations.

They do not change the coded event; they become evidence of the primary
event (fields ``claim_of_responsibility``, ``denial``, ``refutation``) that
the incident grade reads. Patterns live in ``data/claims/all.json``.
"""

from __future__ import annotations

import re

from corroborate.extract.resources import load_json
from corroborate.model import Evidence

__all__ = ["EXTRACTOR", "ClaimLexicon", "find_claims"]

EXTRACTOR = "claims.rules"


class ClaimLexicon:
    def __init__(self, data: dict[str, object]) -> None:
        self.version = str(data.get("version", "1"))
        fields = data["fields"]
        assert isinstance(fields, dict)
        self._rx = {
            name: re.compile(
                r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")", re.IGNORECASE
            )
            for name, patterns in fields.items()
        }
        neg = data.get("negation_before", {"patterns": []})
        assert isinstance(neg, dict)
        self._negation = (
            re.compile("|".join(f"(?:{p})" for p in neg["patterns"]), re.IGNORECASE)
            if neg["patterns"]
            else None
        )

    @classmethod
    def load(cls) -> ClaimLexicon:
        return cls(load_json("claims/all.json"))

    def find(self, text: str) -> list[Evidence]:
        out = [
            Evidence(name, m.start(), m.end(), m.group(0), EXTRACTOR, self.version)
            for name, rx in self._rx.items()
            for m in rx.finditer(text)
            if not self._negated(text, m.start())
        ]
        return sorted(out, key=lambda e: e.start)

    def _negated(self, text: str, start: int) -> bool:
        if self._negation is None:
            return False
        before = re.split(r"[.;!?\n]", text[max(0, start - 30) : start])[-1]
        return bool(self._negation.search(before))


def find_claims(text: str, *, lexicon: ClaimLexicon) -> list[Evidence]:
    """Evidence of claims of responsibility, denials and refutations in ``text``."""
    return lexicon.find(text)
