"""Arabic script normalisation for matching, with offsets kept.

Matching Arabic words against lexicons and gazetteer names needs one
spelling per word: alef forms (أ إ آ ٱ) become ا, alef maqsura ى becomes ي,
taa marbuta ة becomes ه, hamza carriers ؤ ئ become و ي, and diacritics
(harakat, shadda, sukun, superscript alef) and tatweel are dropped.
Arabic-Indic and Persian digits become ASCII digits.

:func:`normalise_arabic` returns the normalised text *and* an offset map,
so a match in the normalised text points back at the original characters:
``original[offsets[i]:offsets[j]]`` is the source of ``normal[i:j]``.
"""

from __future__ import annotations

__all__ = ["ARABIC_DIGITS", "fold_arabic", "has_arabic", "normalise_arabic"]

_MAP: dict[str, str] = {
    "\u0622": "\u0627",  # آ
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
    "\u06cc": "\u064a",  # Persian yeh
    "\u06a9": "\u0643",  # Persian kaf
}
#: Arabic-Indic (U+0660..) and extended Arabic-Indic (U+06F0..) digits.
ARABIC_DIGITS: dict[str, str] = {
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
_MAP.update(ARABIC_DIGITS)
_DROP = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]  # harakat, shadda, sukun, maddah...
    + ["\u0670", "\u0640"]  # superscript alef, tatweel
)


def has_arabic(text: str) -> bool:
    """Whether ``text`` holds at least one Arabic letter."""
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def normalise_arabic(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters plus the end, the original offset.

    ``len(offsets) == len(normal) + 1``; ``offsets[-1] == len(text)``.
    Non-Arabic characters pass unchanged.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        out.append(_MAP.get(ch, ch))
        offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


def fold_arabic(text: str) -> str:
    """The normalised text alone (for keys and lexicon entries)."""
    return normalise_arabic(text)[0]
