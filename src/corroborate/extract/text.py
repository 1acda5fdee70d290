"""Plain-text helpers shared by the extractors: sentences and paragraphs with offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

# A sentence ends at . ! ? (Arabic ؟ and ۔ too; optionally followed by a
# closing quote or bracket) before white space and an upper-case letter, a
# digit, a quote or an Arabic letter (Arabic has no case), or at a blank line.
# The Arabic comma and semicolon (، ؛) do not end a sentence. Abbreviations
# (English, French, Spanish, Portuguese, Italian titles and ranks) are
# protected below.
_END = re.compile(
    r"(?<=[.!?؟۔])(?P<close>[\"”’»)\]]?)\s+(?=[\"“‘«(\[]?[A-ZÀ-ÖØ-Þ0-9\u0600-\u06FF])|\n\s*\n|\n(?=\S)"
)
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Capt|Maj|Cmdr|Gov|Sen|Rep|Prof|St|Mt|Jan|Feb|Mar|Apr|Jun|"
    r"Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Nos|vs|etc|approx|est|U\.S|U\.N|i\.e|e\.g|al|"
    r"Mme|Mmes|Mlle|Mgr|Me|Pr|Gal|Gén|Cdt|Cne|Adj|Ste|env|cf|art|av|"
    r"Sr|Sra|Srta|Dña|Gral|Sig|Dott|Ing|On)\.|\b[A-Z]\.)$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; offsets index into ``text``."""
    out: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        cut = m.start() + len(m.group("close") or "")
        piece = text[start:cut]
        if _ABBREV.search(piece.rstrip()) and "\n" not in m.group(0):
            continue
        _append(out, text, start, cut)
        start = m.end()
    _append(out, text, start, len(text))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
