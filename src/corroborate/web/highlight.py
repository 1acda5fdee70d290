"""Safe HTML for an article's text with its evidence spans and loaded terms marked.

The text is cut at every span boundary into flat segments; each segment is
escaped on its own and, when spans cover it, wrapped in one ``<mark>``
whose classes and title say which spans those are. Overlapping spans
therefore never produce broken nesting, and no character of the article
reaches the page unescaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from corroborate.model import Evidence, LoadedTerm

__all__ = ["Span", "highlight", "place_evidence", "place_loaded_terms"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to mark: ``kind`` is ``"ev"`` (evidence) or ``"loaded"``."""

    start: int
    end: int
    kind: str
    label: str


def _locate(text: str, start: int, end: int, quoted: str) -> tuple[int, int] | None:
    """Where ``quoted`` is in ``text``: at the given offsets when they match,
    else its first occurrence; None when it is not there (or is empty)."""
    if 0 <= start < end <= len(text) and (not quoted or text[start:end] == quoted):
        return start, end
    if quoted:
        at = text.find(quoted)
        if at >= 0:
            return at, at + len(quoted)
    return None


def place_evidence(text: str, evidence: Iterable[Evidence]) -> tuple[list[Span], list[Evidence]]:
    """Spans for the evidence that can be placed in ``text``, and the evidence that cannot.

    The offsets are used when the text there is the quoted text (or no text
    is quoted); otherwise the quoted text is looked up, so evidence whose
    offsets refer to a differently normalised copy of the text still lands
    on the right words.
    """
    spans: list[Span] = []
    lost: list[Evidence] = []
    for ev in evidence:
        where = _locate(text, ev.start, ev.end, ev.text)
        if where is None:
            lost.append(ev)
            continue
        label = f"{ev.field} ({ev.extractor} v{ev.version})"
        spans.append(Span(where[0], where[1], "ev", label))
    return spans, lost


def place_loaded_terms(text: str, terms: Iterable[LoadedTerm]) -> list[Span]:
    """Spans for the loaded terms that can be placed in ``text``."""
    spans: list[Span] = []
    for term in terms:
        where = _locate(text, term.start, term.end, term.text)
        if where is not None:
            spans.append(Span(where[0], where[1], "loaded", f"loaded term: {term.text}"))
    return spans


def highlight(text: str, spans: Sequence[Span]) -> Markup:
    """``text`` as escaped HTML with every span wrapped in a ``<mark>``."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text)} | {s.start for s in valid} | {s.end for s in valid})
    parts: list[Markup] = []
    for a, b in pairwise(cuts):
        active = [s for s in valid if s.start <= a and b <= s.end]
        segment = text[a:b]
        if not active:
            parts.append(escape(segment))
            continue
        kinds = sorted({s.kind for s in active})
        labels = list(dict.fromkeys(s.label for s in active))
        parts.append(
            Markup('<mark class="{}" title="{}">{}</mark>').format(
                " ".join(kinds), "; ".join(labels), segment
            )
        )
    return Markup("").join(parts)
