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


def test_arabic_sentences_end_at_full_stops_and_question_marks_not_commas() -> None:
    text = "قصفت طائرة مسيرة سيارة، وقتل ثلاثة؛ وأصيب اثنان. هل تتحرك السلطات؟ لم يصدر أي تعليق."
    assert [s.text for s in split_sentences(text)] == [
        "قصفت طائرة مسيرة سيارة، وقتل ثلاثة؛ وأصيب اثنان.",
        "هل تتحرك السلطات؟",
        "لم يصدر أي تعليق.",
    ]


def test_arabic_digits_and_quotes_start_a_sentence() -> None:
    text = "انتهت العملية. ٣ جنود أصيبوا. «لن نتراجع» قال المتحدث."
    assert len(split_sentences(text)) == 3


def test_french_titles_do_not_end_a_sentence() -> None:
    text = "Mme. Diallo et le Gal. Traoré ont parlé. À Gao, M. Maïga a répondu."
    assert [s.text for s in split_sentences(text)] == [
        "Mme. Diallo et le Gal. Traoré ont parlé.",
        "À Gao, M. Maïga a répondu.",
    ]
