"""A learned event classifier: ACLED sub-event type (or "none") of a short text.

A linear model over TF-IDF features (word unigrams and bigrams, character
3-5-grams inside words), applied with numpy only: the artifact holds the
vocabularies, their idf weights, the coefficients and a calibration
temperature, never any training text. It is built by
``scripts/train_events.py`` (``make train``) into
``data/models/events-<language>.npz`` plus a JSON metadata file beside it,
and nothing is loaded until :meth:`EventClassifier.load` is called.

The featurisation below is the one the training script uses (it imports
these functions), so training and inference cannot drift apart.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from corroborate.errors import ExtractionError

__all__ = [
    "FEATURIZER",
    "NONE",
    "EventClassifier",
    "char_features",
    "normalise",
    "pack_strings",
    "word_features",
]

#: The label for a text that reports no codable event.
NONE = "none"

#: Name and version of the featurisation; an artifact built with another one is refused.
FEATURIZER = "w12c35/1"

_TAG = re.compile(r"\[(?:size|women targeted)\b[^\]]*\]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_DIGIT = re.compile(r"\d")
_HINT = "run `make train` (scripts/train_events.py) to build it"
_MEMO = 200_000  # words whose character n-gram ids are remembered

Floats = npt.NDArray[np.float32]


# ------------------------------------------------------------- featurisation
def normalise(text: str) -> str:
    """The form features are taken from: NFKC, lower case, digits as 0.

    ACLED's bookkeeping tags (``[size=no report]``, ``[women targeted: …]``)
    are dropped: news text never has them, so they must not carry weight.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _TAG.sub(" ", text)
    text = _DIGIT.sub("0", text.lower())
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _words(norm: str) -> list[str]:
    return _WORD.findall(norm)


def word_features(norm: str) -> list[str]:
    """Word unigrams and bigrams of a normalised text."""
    toks = _words(norm)
    return toks + [f"{a} {b}" for a, b in pairwise(toks)]


def char_features(norm: str, *, low: int = 3, high: int = 5) -> list[str]:
    """Character ``low``..``high``-grams inside each word padded with spaces."""
    out: list[str] = []
    for w in _words(norm):
        out.extend(_word_grams(w, low, high))
    return out


def _word_grams(word: str, low: int = 3, high: int = 5) -> list[str]:
    p = f" {word} "
    size = len(p)
    return [p[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)]


# ------------------------------------------------------------------ the model
def _strings(packed: npt.NDArray[Any]) -> list[str]:
    """A vocabulary stored as newline-separated UTF-8 bytes (uint8 array)."""
    if packed.dtype != np.uint8:
        raise ValueError(f"vocabulary stored as {packed.dtype}, expected packed UTF-8 bytes")
    if not packed.size:
        return []
    return packed.tobytes().decode("utf-8").split("\n")


def pack_strings(strings: Sequence[str]) -> npt.NDArray[np.uint8]:
    """The storage form of a vocabulary (no string may contain a newline)."""
    if any("\n" in s for s in strings):
        raise ValueError("a vocabulary entry contains a newline")
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8).copy()


def _default_path(language: str) -> Path:
    base = resources.files("corroborate.extract") / "data" / "models" / f"events-{language}.npz"
    return Path(str(base))


class EventClassifier:
    """ACLED sub-event type probabilities (and "none") for short texts.

    Build it with :meth:`load`; the instance is read-only and picklable.
    """

    name = "events.linear"

    def __init__(
        self,
        *,
        classes: Sequence[str],
        word_vocab: Sequence[str],
        char_vocab: Sequence[str],
        word_idf: Floats,
        char_idf: Floats,
        coef: Floats,
        intercept: Floats,
        char_weight: float = 1.0,
        temperature: float = 1.0,
        version: str = "0",
        language: str = "en",
        meta: dict[str, Any] | None = None,
    ) -> None:
        n_classes = len(classes)
        n_words, n_chars = len(word_vocab), len(char_vocab)
        if coef.shape != (n_words + n_chars, n_classes) or intercept.shape != (n_classes,):
            raise ExtractionError(
                f"event classifier artifact is inconsistent (coef {coef.shape}, "
                f"{n_words}+{n_chars} features, {n_classes} classes); {_HINT}"
            )
        if word_idf.shape != (n_words,) or char_idf.shape != (n_chars,):
            raise ExtractionError(f"event classifier idf arrays do not match; {_HINT}")
        self.classes: tuple[str, ...] = tuple(classes)
        self.version = version
        self.language = language
        self.meta: dict[str, Any] = dict(meta or {})
        self._words = {t: i for i, t in enumerate(word_vocab)}
        self._chars = {t: i + n_words for i, t in enumerate(char_vocab)}
        self._n_words = n_words
        self._idf: Floats = np.concatenate([word_idf, char_idf]).astype(np.float32)
        self._coef: Floats = np.ascontiguousarray(coef, dtype=np.float32)
        self._intercept: Floats = intercept.astype(np.float32)
        self._char_weight = float(char_weight)
        self._temperature = float(temperature)
        # word -> indices of its known character n-grams (a bounded memo).
        self._char_ids: dict[str, list[int]] = {}

    # ----------------------------------------------------------------- load
    @classmethod
    def load(cls, path: Path | None = None, *, language: str = "en") -> EventClassifier:
        """Read an artifact (by default the one shipped for ``language``)."""
        npz = Path(path) if path is not None else _default_path(language)
        meta_path = npz.with_suffix(".json")
        if not npz.is_file() or not meta_path.is_file():
            raise ExtractionError(
                f"event classifier model {npz.name} (and its {meta_path.name}) "
                f"not found in {npz.parent}; {_HINT}",
                reason="model-missing",
            )
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("metadata is not a JSON object")
            if meta.get("featurizer") != FEATURIZER:
                raise ValueError(
                    f"built for featurizer {meta.get('featurizer')!r}, "
                    f"this code uses {FEATURIZER!r}"
                )
            with np.load(npz, allow_pickle=False) as arrays:
                data = {k: arrays[k] for k in arrays.files}
            return cls(
                classes=[str(c) for c in meta["classes"]],
                word_vocab=_strings(data["word_vocab"]),
                char_vocab=_strings(data["char_vocab"]),
                word_idf=data["word_idf"].astype(np.float32),
                char_idf=data["char_idf"].astype(np.float32),
                coef=data["coef"].astype(np.float32),
                intercept=data["intercept"].astype(np.float32),
                char_weight=float(meta.get("char_weight", 1.0)),
                temperature=float(meta.get("temperature", 1.0)),
                version=str(meta.get("version", "0")),
                language=str(meta.get("language", language)),
                meta=meta,
            )
        except ExtractionError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ExtractionError(
                f"event classifier model {npz} cannot be read ({exc}); {_HINT}",
                reason="model-invalid",
            ) from exc

    # -------------------------------------------------------------- predict
    def _chars_of(self, word: str) -> list[int]:
        ids = self._char_ids.get(word)
        if ids is None:
            get = self._chars.get
            ids = [i for g in _word_grams(word) if (i := get(g)) is not None]
            if len(self._char_ids) < _MEMO:
                self._char_ids[word] = ids
        return ids

    def _features(self, text: str) -> tuple[npt.NDArray[np.intp], Floats]:
        """Feature indices and TF-IDF values (l2-normalised per block) of one text."""
        norm = normalise(text)
        toks = _words(norm)
        get = self._words.get
        bigrams = [f"{a} {b}" for a, b in pairwise(toks)]
        ids = [i for g in toks + bigrams if (i := get(g)) is not None]
        for w in toks:
            ids.extend(self._chars_of(w))
        if not ids:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        counts = Counter(ids)
        idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        val = (np.log(tf) + np.float32(1.0)) * self._idf[idx]
        chars = idx >= self._n_words
        for block, weight in ((~chars, 1.0), (chars, self._char_weight)):
            norm2 = float(np.dot(val[block], val[block]))
            if norm2 > 0.0:
                val[block] *= np.float32(weight / math.sqrt(norm2))
        return idx, val

    def decision(self, texts: Sequence[str]) -> Floats:
        """Raw linear scores, one row per text, one column per class."""
        out = np.empty((len(texts), len(self.classes)), dtype=np.float32)
        for row, text in enumerate(texts):
            idx, val = self._features(text)
            out[row] = self._intercept if not len(idx) else val @ self._coef[idx] + self._intercept
        return out

    def proba(self, texts: Sequence[str]) -> Floats:
        """Calibrated probabilities as an array (rows sum to 1; columns are ``classes``)."""
        z = self.decision(texts) * np.float32(self._temperature)
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probabilities over the classes (the 25 sub-event types and "none") per text."""
        if isinstance(texts, str):
            raise TypeError("predict_proba takes a sequence of texts, not one string")
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in self.proba(texts)]

    def top(self, text: str) -> tuple[str, float]:
        """The most probable class of one text and its probability."""
        row = self.proba([text])[0]
        best = int(row.argmax())
        return self.classes[best], float(row[best])

    def __repr__(self) -> str:
        return (
            f"EventClassifier(name={self.name!r}, version={self.version!r}, "
            f"language={self.language!r}, classes={len(self.classes)}, "
            f"features={len(self._idf)})"
        )
