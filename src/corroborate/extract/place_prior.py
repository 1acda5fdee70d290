"""A learned prior over where a text is, from its words (not its place names).

Many reports never name their country, and name only a village no gazetteer
knows: "presumed Katiba Macina militants attacked the Dogon village of X",
"the OSCE SMM observed 15 explosions near Y". Their words still tell where:
armed groups, communities, forces, parties, the register of the local press.
This module scores (country, first-level region) pairs with a multinomial
naive Bayes model over a text's lower-case words, trained by
``scripts/build_place_prior.py`` on coded event reports.

The model is a small artifact (``place_prior.json.gz`` beside the gazetteer):
for each word kept, how many training texts of each region used it. Words
that training data used as names of unknown places are not kept (only names
the shipped gazetteer already has are), so the artifact lists no one's
locations. The extractor uses it as a weak prior: to break ties between
homonyms, and to say the country and region when the text names no place it
can resolve (then at geo_precision 3).
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from corroborate.errors import ExtractionError

__all__ = ["PRIOR_NAME", "PlacePrior", "PriorModel", "prior_tokens"]

#: File name of the artifact, in the gazetteer data folder.
PRIOR_NAME: Final[str] = "place_prior.json.gz"
#: Artifact format written by the build script.
PRIOR_FORMAT: Final[int] = 2

_TOKEN = re.compile(r"[^\W\d_]{2,}")


def prior_tokens(text: str) -> dict[str, tuple[int, int]]:
    """The text's distinct lower-case words (two letters or more), each with its first span."""
    out: dict[str, tuple[int, int]] = {}
    for m in _TOKEN.finditer(text):
        out.setdefault(m.group().lower(), m.span())
    return out


@dataclass(frozen=True, slots=True)
class PlacePrior:
    """Where a text probably is: countries and first-level regions with probabilities.

    ``countries``: (alpha-2, probability), most probable first.
    ``regions``: (alpha-2, region name, probability), most probable first (top few).
    ``evidence``: the span of the word that most supports the best region, if any.
    """

    countries: tuple[tuple[str, float], ...]
    regions: tuple[tuple[str, str, float], ...]
    evidence: tuple[int, int] | None

    def country(self, cc: str) -> float:
        """The probability of country ``cc``."""
        return next((p for c, p in self.countries if c == cc), 0.0)

    @property
    def top_country(self) -> tuple[str, float] | None:
        return self.countries[0] if self.countries else None


class PriorModel:
    """The naive Bayes model behind :class:`PlacePrior`; read-only after loading."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != PRIOR_FORMAT:
            raise ExtractionError(
                f"place prior format {data.get('format')!r}, expected {PRIOR_FORMAT}; "
                "rebuild it with scripts/build_place_prior.py",
                reason="bad-gazetteer",
            )
        alpha = float(data["alpha"])
        vocab = int(data["vocab"])
        self.temperature = float(data.get("temperature", 1.0))
        labels = data["labels"]
        self._cc: list[str] = [str(row[0]) for row in labels]
        self._region: list[str] = [str(row[1]) for row in labels]
        self._countries: list[str] = sorted(set(self._cc))
        where = {cc: i for i, cc in enumerate(self._countries)}
        self._cc_of: npt.NDArray[np.intp] = np.array([where[c] for c in self._cc], dtype=np.intp)
        docs = np.array([float(row[2]) for row in labels], dtype=np.float64)
        words = np.array([float(row[3]) for row in labels], dtype=np.float64)
        self._log_prior: npt.NDArray[np.float64] = np.log(docs / max(docs.sum(), 1.0))
        self._log_denom: npt.NDArray[np.float64] = np.log(words + alpha * vocab)
        # per word, a slice of the flat arrays of label indexes and their counts
        words_kept: list[str] = data["words"]
        offsets = np.asarray(data["offsets"], dtype=np.intp)
        self._idx: npt.NDArray[np.intp] = np.asarray(data["index"], dtype=np.intp)
        counts = np.asarray(data["counts"], dtype=np.float64)
        self._gain: npt.NDArray[np.float64] = np.log1p(counts / alpha)
        self._slices: dict[str, tuple[int, int]] = {
            w: (int(a), int(b))
            for w, a, b in zip(words_kept, offsets[:-1], offsets[1:], strict=True)
        }

    @classmethod
    def load(cls, path: Path) -> PriorModel | None:
        """The model at ``path``, or None when there is none (the prior is optional)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            data = json.loads(gzip.decompress(raw))
        except (OSError, EOFError, ValueError) as exc:
            raise ExtractionError(
                f"the place prior {path} is damaged: {exc}", reason="bad-gazetteer"
            ) from exc
        if not isinstance(data, dict):
            raise ExtractionError(f"{path} is not a place prior", reason="bad-gazetteer")
        return cls(data)

    def __len__(self) -> int:
        return len(self._slices)

    def predict(self, text: str, *, top: int = 5) -> PlacePrior:
        """Score every (country, region) label for ``text``."""
        toks = prior_tokens(text)
        known = [(self._slices[t], span) for t, span in toks.items() if t in self._slices]
        scores = self._log_prior - len(known) * self._log_denom
        if known:
            idx = np.concatenate([self._idx[a:b] for (a, b), _ in known])
            gain = np.concatenate([self._gain[a:b] for (a, b), _ in known])
            scores = scores + np.bincount(idx, weights=gain, minlength=len(scores))
        weights = np.exp((scores - scores.max()) / self.temperature)
        probs = weights / weights.sum()
        by_cc = np.bincount(self._cc_of, weights=probs, minlength=len(self._countries))
        corder = np.argsort(-by_cc)[:top]
        countries = tuple((self._countries[int(i)], float(by_cc[i])) for i in corder)
        order = [int(i) for i in np.argsort(-probs)[:top]]
        regions = tuple(
            (self._cc[i], self._region[i], float(probs[i])) for i in order if self._region[i]
        )
        evidence: tuple[int, int] | None = None
        lead, best_gain = order[0], 0.0
        for (a, b), span in known:
            hit = np.nonzero(self._idx[a:b] == lead)[0]
            if hit.size and float(self._gain[a + int(hit[0])]) > best_gain:
                best_gain, evidence = float(self._gain[a + int(hit[0])]), span
        return PlacePrior(countries=countries, regions=regions, evidence=evidence)
