from hypothesis import given
from hypothesis import strategies as st

from corroborate.extract.arabic import fold_arabic, has_arabic, normalise_arabic


def test_folds_alef_forms_taa_marbuta_and_diacritics() -> None:
    assert fold_arabic("أُسِرَ") == fold_arabic("اسر")
    assert fold_arabic("إِسْرائيل") == "اسراييل"
    assert fold_arabic("مدينة") == "مدينه"
    assert fold_arabic("مستشفى") == "مستشفي"
    assert fold_arabic("قتلـــى") == "قتلي"


def test_arabic_indic_digits_become_ascii() -> None:
    assert fold_arabic("١٢ قتيلا و۳") == "12 قتيلا و3"


def test_has_arabic() -> None:
    assert has_arabic("قصف")
    assert not has_arabic("strike")


@given(st.text(alphabet=st.sampled_from(list("أإآابتةىيـًٌٍَُِّْ ١٢abc"))))
def test_offsets_point_back_at_the_source(text: str) -> None:
    normal, offsets = normalise_arabic(text)
    assert len(offsets) == len(normal) + 1
    assert offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    for i, ch in enumerate(normal):
        assert fold_arabic(text[offsets[i]]) == ch
