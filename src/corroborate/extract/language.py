"""Language identification, restricted to the languages corroborate reads.

py3langid's model (shipped in its PyPI package) restricted to a handful of
languages is reliable on short headlines. Arabic script decides by itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = ["SUPPORTED", "LanguageDetector"]

#: Languages corroborate reads: full extraction for en/fr/ar; place, date,
#: figures and event cues for es/pt/it.
SUPPORTED: tuple[str, ...] = ("en", "fr", "ar", "es", "pt", "it")

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


class LanguageDetector:
    """Detects the language of a text among ``languages`` (loaded on first use)."""

    def __init__(self, languages: Sequence[str] = SUPPORTED, *, sample: int = 2000) -> None:
        self.languages = tuple(languages)
        self.sample = sample
        self._ident: Any = None

    def _identifier(self) -> Any:
        if self._ident is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.set_languages(list(self.languages))
            self._ident = ident
        return self._ident

    def detect(self, text: str, *, hint: str | None = None) -> str | None:
        """The language code, the ``hint`` when it is one we read, None for no letters."""
        if hint:
            code = hint.lower().split("-")[0].split("_")[0]
            if code in self.languages:
                return code
        head = text[: self.sample]
        letters = _LETTER.findall(head)
        if not letters:
            return None
        if "ar" in self.languages and len(_ARABIC.findall(head)) > 0.5 * len(letters):
            return "ar"
        lang, _prob = self._identifier().classify(head)
        return str(lang)
