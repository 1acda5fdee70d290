"""Highlighting evidence spans and loaded terms in article text."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from corroborate.model import Evidence, LoadedTerm
from corroborate.web.highlight import Span, highlight, place_evidence, place_loaded_terms


def plain(markup: str) -> str:
    """The text of highlighted markup: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


def test_marks_and_escapes() -> None:
    text = "a <b> & c"
    out = str(highlight(text, [Span(2, 5, "ev", 'f "x"')]))
    assert out == 'a <mark class="ev" title="f &#34;x&#34;">&lt;b&gt;</mark> &amp; c'


def test_no_spans_is_escaped_text() -> None:
    assert str(highlight("<i>x</i>", [])) == "&lt;i&gt;x&lt;/i&gt;"
    assert str(highlight("", [])) == ""


def test_overlapping_spans_are_flat_segments() -> None:
    text = "0123456789"
    out = str(
        highlight(
            text, [Span(2, 6, "ev", "one"), Span(4, 8, "loaded", "two"), Span(4, 6, "ev", "one")]
        )
    )
    assert out == (
        '01<mark class="ev" title="one">23</mark>'
        '<mark class="ev loaded" title="one; two">45</mark>'
        '<mark class="loaded" title="two">67</mark>89'
    )


def test_invalid_spans_are_ignored() -> None:
    text = "abc"
    out = str(
        highlight(text, [Span(-1, 2, "ev", "x"), Span(2, 9, "ev", "x"), Span(2, 2, "ev", "x")])
    )
    assert out == "abc"


def test_place_evidence_uses_offsets_then_text_then_gives_up() -> None:
    text = "one two three two"
    exact = Evidence("a", 14, 17, "two", "r")  # the second "two", at its offsets
    shifted = Evidence("b", 0, 5, "three", "r")  # wrong offsets, text found
    missing = Evidence("c", 0, 3, "four", "r")  # not in the text
    no_text = Evidence("d", 0, 3, "", "r")  # offsets only
    spans, lost = place_evidence(text, [exact, shifted, missing, no_text])
    assert [(s.start, s.end, s.label) for s in spans] == [
        (14, 17, "a (r v1)"),
        (8, 13, "b (r v1)"),
        (0, 3, "d (r v1)"),
    ]
    assert lost == [missing]


def test_place_loaded_terms() -> None:
    text = "a cowardly act"
    spans = place_loaded_terms(
        text, [LoadedTerm("cowardly", 2, 10), LoadedTerm("evil", 0, 4), LoadedTerm("act", 0, 3)]
    )
    assert [(s.start, s.end, s.kind) for s in spans] == [(2, 10, "loaded"), (11, 14, "loaded")]


@given(
    text=st.text(max_size=200),
    raw=st.lists(
        st.tuples(st.integers(-5, 210), st.integers(-5, 210), st.sampled_from(["ev", "loaded"])),
        max_size=12,
    ),
)
def test_highlight_keeps_the_text(text: str, raw: list[tuple[int, int, str]]) -> None:
    spans = [Span(a, b, kind, "<label>") for a, b, kind in raw]
    out = str(highlight(text, spans))
    assert plain(out) == text
    # only our own tags appear
    assert set(re.findall(r"<(/?\w+)", out)) <= {"mark", "/mark"}
    assert out.count("<mark") == out.count("</mark>")
