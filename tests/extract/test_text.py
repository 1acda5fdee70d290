from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corroborate.extract.text import split_sentences


def test_splits_on_sentence_ends_but_not_abbreviations() -> None:
    text = 'On 3 Jan. 2020, Gen. Diallo spoke. U.S. forces left! "Done." Next'
    assert [s.text for s in split_sentences(text)] == [
        "On 3 Jan. 2020, Gen. Diallo spoke.",
        "U.S. forces left!",
        '"Done."',
        "Next",
    ]


def test_paragraphs_are_sentences() -> None:
    assert len(split_sentences("Title line\n\nBody text here")) == 2


@given(st.text(max_size=400))
def test_offsets_slice_text(text: str) -> None:
    last = 0
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.start >= last
        last = s.end
