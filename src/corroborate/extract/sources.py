"""Sources: who the text says it got its claims from.

``find_sources`` recognises attributions in raw text and returns them as
:class:`~corroborate.model.SourceClaim` objects, in order of appearance,
deduplicated by normalised name, with the article's own outlet (when
given) last:

* cue before the source: "according to the Mauritanian newspaper
  “Zahret Chinguetti”" (name "Zahret Chinguetti", kind "newspaper",
  relation "according to"), "citing a security source", "quoting X",
  "told AFP" / "in an interview with X" (X: relation "reported"),
  "according to a statement issued by the Mauritanian side" (name
  "Mauritanian side", kind "official");
* cue after the source: "X said", "X reported", "witnesses said", "the army
  announced", "security sources told AFP" ("security sources": relation
  "told"), "Mauritanian media sources spoke of …" (name "Mauritanian
  media", kind "media", relation "spoke of"), "X quoted Y" (X "reported",
  Y "quoted");
* inverted: "…, said the army" (only after a comma or a closing quote);
* wire bylines: "NOUAKCHOTT (AFP) —", "(Reuters) -", a closing "— AP"
  (relation "byline", kind "agency");
* ``outlet``: the article's own outlet (kind "outlet", relation
  "published", no offsets).

The knowledge is data: ``data/sources/known.json`` lists wire agencies,
outlets, international bodies and NGOs (display name, aliases, kind,
country) and ``data/sources/<language>.json`` the cue words, source head
nouns with their kinds, modifiers and relation names. Names are given as
written, without quotes or determiners, except that a known source is
given by its display name ("Agence France-Presse" → "AFP").

Offsets: ``text[start:end]`` is the whole attribution phrase, cue included
("According to the Mauritanian newspaper “Zahret Chinguetti”", "Mauritanian
media sources spoke of", "(AFP)"), so that the evidence shows both who and
how. The outlet claim has no offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from corroborate.errors import ExtractionError
from corroborate.extract.resources import load_json
from corroborate.model import Evidence, SourceClaim

__all__ = [
    "EXTRACTOR",
    "VERSION",
    "KnownSource",
    "SourceLexicon",
    "find_sources",
    "normalise_source_name",
    "source_evidence",
]

EXTRACTOR = "sources.rules"
VERSION = "1"

_SP = r"[^\S\n]+"
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_QUOTES = '“”"«»„‘’‹›'
_WINDOW = 160  # characters looked at before a cue for the source phrase
_NON_ALNUM = re.compile(r"[^\w\s]")
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
_WORD_START = re.compile(r"(?<![\w'’-])[\w“\"«„‘]")
_MAX_WORDS_BACK = 10


def normalise_source_name(name: str) -> str:
    """The deduplication key of a source name: no accents, quotes, case or leading "the"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _NON_ALNUM.sub(" ", plain.casefold().replace("’", "'").replace("'", ""))
    words = _WS.sub(" ", plain).strip().split(" ")
    if words and words[0] in ("the", "le", "la", "les", "l"):
        words = words[1:]
    if words and len(words[-1]) > 3:  # witnesses / witness, sources / source
        last = words[-1]
        if last.endswith(("sses", "xes", "ches", "shes")):
            words[-1] = last[:-2]
        elif last.endswith("ies"):
            words[-1] = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith("ss"):
            words[-1] = last[:-1]
    return " ".join(words)


def _lookup_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _WS.sub(" ", plain).strip()
    return plain.removeprefix("the ")


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first, flexible white space."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(_literal(w) for w in unique) or "(?!)"


def _cue_key(word: str) -> str:
    return word.casefold().replace("’", "'")


def _literal(phrase: str) -> str:
    out = []
    for part in re.split(r"(\s+|['’])", phrase):
        if not part:
            continue
        if part.isspace():
            out.append(_SP)
        elif part in ("'", "’"):
            out.append("['’]")
        else:
            out.append(re.escape(part))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class KnownSource:
    """A source corroborate knows by name."""

    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cue:
    left: str | None
    right: str | None
    right_after_punct: bool
    fillers: bool
    names: bool
    left_names: bool


class _Rules:
    """The compiled attribution patterns of one language."""

    def __init__(self, data: Mapping[str, Any], known: Sequence[KnownSource]) -> None:
        try:
            self.language = str(data["language"])
            heads: list[Mapping[str, Any]] = data["heads"]
            cues: list[Mapping[str, Any]] = data["cues"]
        except (KeyError, TypeError) as exc:
            raise ExtractionError(f"source patterns lack {exc}", reason="bad-lexicon") from exc
        self.version = str(data.get("version", "1"))
        self.head_kind: dict[str, str] = {}
        for group in heads:
            for word in group["words"]:
                self.head_kind.setdefault(_lookup_key(word), str(group["kind"]))
        self.source_heads = frozenset(_lookup_key(w) for w in data.get("source_heads", []))
        self.qualifiers = {
            k.casefold(): str(v)
            for k, v in data.get("qualifiers", {}).items()
            if isinstance(v, str) and k != "comment"
        }
        self.drop_head_after = frozenset(w.casefold() for w in data.get("drop_head_after", []))
        self.media_kinds = frozenset(data.get("media_kinds", []))
        self.cues: dict[str, _Cue] = {}
        for cue in cues:
            spec = _Cue(
                left=cue.get("left"),
                right=cue.get("right"),
                right_after_punct=bool(cue.get("right_after_punct", False)),
                fillers=bool(cue.get("fillers", False)),
                names=bool(cue.get("names", False)),
                left_names=bool(cue.get("left_names", False)),
            )
            for phrase in cue["cue"]:
                self.cues.setdefault(" ".join(_cue_key(w) for w in phrase.split()), spec)
        self._compile(data, known)

    def _compile(self, data: Mapping[str, Any], known: Sequence[KnownSource]) -> None:
        stop = _alt(data.get("not_modifiers", []))
        dem = _alt(data.get("demonyms", []))
        capw = (
            rf"(?:(?:al|el|an|ar|as|ad|at|ash|le|la|l|d)['’-])?[{_UPPER}][\w&'’-]*"
            r"(?:\.(?:info|net|org|com|ma|dz|mr|ml|fr|cd)\b)?"
        )
        connect = r"(?:de|du|des|la|le|les|el|al|of|the|and|for|&|d['’]|l['’])"
        capseq = (
            rf"(?!(?:{stop})(?![\w'’-])){capw}"
            rf"(?:{_SP}(?:{connect}{_SP})?(?!(?:{stop})(?![\w'’-]))(?:{capw}|\d+(?![\w-]))){{0,5}}"
        )
        name_capseq = rf"(?!(?:{dem})(?![\w'’-])){capseq}"
        quoted = rf"[“\"«„‘][^\S\n]?(?=[{_UPPER}0-9])[^“”\"«»‘’\n]{{1,60}}?[”\"»“’]"
        known_alts = []
        for src in known:
            for alias in (src.name, *src.aliases):
                known_alts.append(_known_literal(alias))
        known_re = "|".join(sorted(set(known_alts), key=lambda a: (-len(a), a)))
        det = (
            rf"(?:(?i:{_alt(data.get('determiners', []))}){_SP}"
            rf"|(?i:{_alt(data.get('elided_determiners', []))}))"
        )
        end = r"(?![\w-])"
        post = rf"(?:{_SP}(?i:{_alt(data.get('post_modifiers', []))}){end})"
        mod = (
            rf"(?:(?!(?:{stop})(?![\w'’-]))(?:(?i:{_alt(data.get('modifiers', []))})|{capw}){_SP})"
        )
        heads = _alt(w for group in data["heads"] for w in group["words"])
        media_heads = _alt(
            w
            for group in data["heads"]
            if group["kind"] in self.media_kinds
            for w in group["words"]
        )
        comp_words = _alt(data.get("complement_words", []))
        comp = (
            rf"(?:{_SP}(?i:{_alt(data.get('complements', []))}){_SP}"
            rf"(?:(?i:{comp_words})(?![\w-])|(?:(?i:the){_SP})?{capseq}))"
        )
        a1 = (
            rf"(?P<a1_mods>{mod}*)(?P<a1_head>(?i:{media_heads})){post}*{_SP}"
            rf"(?P<a1_name>{quoted}|(?:{known_re}){end}|{name_capseq})"
        )
        a2 = (
            rf"(?P<a2_mods>{mod}*?)(?P<a2_name>{quoted}|(?:{known_re}){end}|{name_capseq})"
            rf"{_SP}(?P<a2_head>(?i:{media_heads})){end}{post}*"
        )
        a3 = rf"(?P<a3_name>(?:{known_re})){end}"
        a4 = (
            rf"(?P<a4_mods>{mod}*)(?P<a4_head>(?i:{heads})){end}"
            rf"(?P<a4_post>{post}*)(?P<a4_comp>{comp})?"
        )
        a5 = rf"(?P<a5_name>{quoted})"
        a6 = rf"(?P<a6_name>{capseq}){end}"
        strict = rf"(?<![\w'’-])(?P<det>{det})?(?:{a3}|{a1}|{a2}|{a4})"
        loose = rf"(?<![\w'’-])(?P<det>{det})?(?:{a3}|{a1}|{a2}|{a4}|{a5}|{a6})"
        self.forward = re.compile(rf"{_SP}(?:{strict})")
        self.forward_names = re.compile(rf"{_SP}(?:{loose})")
        self.backward = re.compile(rf"(?:{strict}){end}[^\S\n]*\Z")
        self.backward_names = re.compile(rf"(?:{loose}){end}[^\S\n]*\Z")
        fillers = _alt(data.get("fillers", []))
        verbs = _alt(data.get("filler_verbs", []))
        preps = _alt(data.get("filler_preps", []))
        self.filler = re.compile(
            rf"{_SP}{det}?{mod}{{0,3}}(?i:{fillers})(?:{_SP}(?i:{verbs}))?{_SP}(?i:{preps}){end}"
        )
        self.auxiliaries = frozenset(
            w.casefold() for phrase in data.get("auxiliaries", []) for w in phrase.split()
        )
        index: dict[str, list[tuple[tuple[str, ...], _Cue]]] = {}
        for phrase, spec in self.cues.items():
            words = tuple(phrase.split(" "))
            index.setdefault(words[0], []).append((words, spec))
        self.cue_index = {k: sorted(v, key=lambda p: -len(p[0])) for k, v in index.items()}
        agencies = [s for s in known if s.kind == "agency"]
        agency_re = "|".join(
            sorted(
                {_known_literal(a) for s in agencies for a in (s.name, *s.aliases)},
                key=lambda a: (-len(a), a),
            )
        )
        self.bylines = (
            # "(AFP) —", "(Reuters) -", "(AP/Reuters):", "(AFP)" at the end of a line
            re.compile(
                rf"\((?P<name>{agency_re})(?:[^\S\n]*/[^\S\n]*(?P<name2>{agency_re}))?\)"
                r"(?=[^\S\n]*(?:[-–—:]|$))",
                re.MULTILINE,
            ),
            # a dateline: "NOUAKCHOTT, Jan 16 (AFP) The army ..."
            re.compile(rf"(?<=[{_UPPER}]{{3}})[^()\n]{{0,40}}?\((?P<name>{agency_re})\)"),
            # a closing "— AFP" or a last line holding only the agency
            re.compile(rf"(?:[-–—][^\S\n]*|\n[^\S\n]*)\(?(?P<name>{agency_re})\)?[^\S\n]*\Z"),
        )

    def find_cues(self, text: str) -> list[tuple[int, int, bool, _Cue]]:
        """(start, end, after punctuation, cue) of every cue; start includes auxiliaries."""
        words = [(_cue_key(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        out: list[tuple[int, int, bool, _Cue]] = []
        i = 0
        while i < len(words):
            hit = self._cue_at(text, words, i)
            if hit is None:
                i += 1
                continue
            size, spec = hit
            start, end = words[i][1], words[i + size - 1][2]
            j = i
            while j > 0 and i - j < 3 and words[j - 1][0] in self.auxiliaries:
                if not text[words[j - 1][2] : words[j][1]].isspace():
                    break
                j -= 1
            start = words[j][1]
            before = text[max(0, start - 4) : start].rstrip()
            out.append((start, end, bool(before) and before[-1] in ',”"’»', spec))
            i += size
        return out

    def _cue_at(
        self, text: str, words: list[tuple[str, int, int]], i: int
    ) -> tuple[int, _Cue] | None:
        for phrase, spec in self.cue_index.get(words[i][0], ()):
            size = len(phrase)
            if i + size > len(words):
                continue
            if all(
                words[i + k][0] == phrase[k]
                and text[words[i + k - 1][2] : words[i + k][1]].isspace()
                for k in range(1, size)
            ):
                if i > 0 and text[words[i][1] - 1] == "-":
                    return None
                return size, spec
        return None


def _known_literal(alias: str) -> str:
    """Acronyms and one-word names match as written (or in capitals); phrases in any case."""
    lit = _literal(alias)
    if " " in alias.strip():
        return f"(?i:{lit})"
    if alias.upper() == alias:
        return lit
    return f"(?:{lit}|{_literal(alias.upper())})"


class SourceLexicon:
    """Known sources and the attribution patterns of each language, compiled once."""

    def __init__(
        self, known: Iterable[Mapping[str, Any]], rules: Iterable[Mapping[str, Any]]
    ) -> None:
        self.known: tuple[KnownSource, ...] = tuple(
            KnownSource(
                name=str(k["name"]),
                kind=str(k.get("kind", "unknown")),
                country=k.get("country"),
                aliases=tuple(str(a) for a in k.get("aliases", [])),
            )
            for k in known
        )
        self._by_key: dict[str, KnownSource] = {}
        for src in self.known:
            for alias in (src.name, *src.aliases):
                self._by_key.setdefault(_lookup_key(alias), src)
        self._data: dict[str, Mapping[str, Any]] = {}
        for data in rules:
            try:
                self._data[str(data["language"])] = data
            except (KeyError, TypeError) as exc:
                raise ExtractionError(
                    "source patterns lack 'language'", reason="bad-lexicon"
                ) from exc
        self._rules: dict[str, _Rules] = {}  # compiled on first use: ~0.3 s a language

    @classmethod
    def load(cls, languages: Iterable[str] | None = None) -> SourceLexicon:
        """The known sources and the patterns shipped in ``data/sources/``.

        ``languages`` defaults to every language shipped (en, fr); the patterns
        of a language are compiled the first time a text in it is read.
        """
        known = load_json("sources/known.json")
        try:
            entries = known["sources"]
        except (KeyError, TypeError) as exc:
            raise ExtractionError(
                "sources/known.json lacks 'sources'", reason="bad-lexicon"
            ) from exc
        wanted = list(languages) if languages is not None else _shipped_languages()
        return cls(entries, [load_json(f"sources/{lang}.json") for lang in wanted])

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._data))

    def version(self, language: str = "en") -> str | None:
        data = self._data.get(language)
        return str(data.get("version", "1")) if data is not None else None

    def lookup(self, name: str) -> KnownSource | None:
        """The known source ``name`` refers to (any alias, any case, quotes ignored)."""
        return self._by_key.get(_lookup_key(name.strip(_QUOTES + " ")))

    def rules(self, language: str) -> _Rules | None:
        """The compiled patterns for ``language`` (English when it has none)."""
        lang = language.replace("_", "-").split("-")[0].casefold()
        if lang not in self._data:
            lang = "en"
        if lang not in self._data:
            return None
        rules = self._rules.get(lang)
        if rules is None:
            rules = self._rules[lang] = _Rules(self._data[lang], self.known)
        return rules


def _shipped_languages() -> list[str]:
    folder = resources.files("corroborate.extract") / "data" / "sources"
    names = [p.name for p in folder.iterdir() if p.name.endswith(".json")]
    return sorted(n.removesuffix(".json") for n in names if n != "known.json")


# ---------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Found:
    claim: SourceClaim
    generic: bool  # a bare head noun ("the newspaper"): probably refers back


def find_sources(
    text: str,
    *,
    lexicon: SourceLexicon,
    outlet: str | None = None,
    language: str = "en",
) -> list[SourceClaim]:
    """The sources ``text`` attributes its claims to, then the outlet that published it."""
    rules = lexicon.rules(language)
    found: list[_Found] = []
    if rules is not None:
        found.extend(_bylines(text, rules, lexicon))
        for start, end, after_punct, cue in rules.find_cues(text):
            if cue.left and not after_punct:
                hit = _left(text, start, end, rules, lexicon, cue)
                if hit is not None:
                    found.append(hit)
            if cue.right and (not cue.right_after_punct or after_punct):
                hit = _right(text, start, end, rules, lexicon, cue)
                if hit is not None:
                    found.append(hit)
    found.sort(key=lambda f: (f.claim.start or 0, f.claim.end or 0))
    out: list[SourceClaim] = []
    seen: set[str] = set()
    media_kinds = rules.media_kinds if rules is not None else frozenset()
    named_media = any(not f.generic and f.claim.kind in media_kinds for f in found)
    for f in found:
        key = normalise_source_name(f.claim.name)
        if not key or key in seen:
            continue
        if f.generic and f.claim.kind in media_kinds and named_media:
            continue  # "the newspaper said" refers back to a named outlet
        seen.add(key)
        out.append(f.claim)
    if outlet and outlet.strip():
        known = lexicon.lookup(outlet)
        name = known.name if known else outlet.strip()
        if normalise_source_name(name) not in seen:
            out.append(SourceClaim(name=name, kind="outlet", relation="published"))
    return out


def _left(
    text: str, cue_start: int, cue_end: int, rules: _Rules, lexicon: SourceLexicon, cue: _Cue
) -> _Found | None:
    lo = max(0, cue_start - _WINDOW)
    window = text[lo:cue_start]
    pattern = rules.backward_names if cue.left_names else rules.backward
    m = None
    # the leftmost word from which a source phrase reaches the cue: the longest phrase
    for w in [w.start() for w in _WORD_START.finditer(window)][-_MAX_WORDS_BACK:]:
        m = pattern.match(window, w)
        if m is not None:
            break
    if m is None or cue.left is None:
        return None
    start = lo + m.start()
    return _build(m, text, start, cue_end, cue.left, rules, lexicon)


def _right(
    text: str, cue_start: int, cue_end: int, rules: _Rules, lexicon: SourceLexicon, cue: _Cue
) -> _Found | None:
    pos = cue_end
    if cue.fillers:
        f = rules.filler.match(text, pos)
        if f is not None:
            pos = f.end()
    pattern = rules.forward_names if cue.names else rules.forward
    m = pattern.match(text, pos)
    if m is None or cue.right is None:
        return None
    return _build(m, text, cue_start, m.end(), cue.right, rules, lexicon)


def _build(
    m: re.Match[str],
    text: str,
    start: int,
    end: int,
    relation: str,
    rules: _Rules,
    lexicon: SourceLexicon,
) -> _Found | None:
    g = m.groupdict()
    name = g.get("a1_name") or g.get("a2_name") or g.get("a3_name")
    name = name or g.get("a5_name") or g.get("a6_name")
    head = g.get("a1_head") or g.get("a2_head")
    # trim white space the phrase may end with (the cue's own spaces)
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if name:
        clean = _WS.sub(" ", name.strip(_QUOTES + " \t")).strip()
        if not clean:
            return None
        known = lexicon.lookup(clean)
        if known is not None:
            claim = SourceClaim(known.name, known.kind, relation, start, end)
        else:
            kind = rules.head_kind.get(_lookup_key(head), "unknown") if head else "unknown"
            claim = SourceClaim(clean, kind, relation, start, end)
        return _Found(claim, generic=False)
    head4 = g.get("a4_head")
    if not head4:
        return None
    mods = _WS.sub(" ", (g.get("a4_mods") or "").strip())
    post = _WS.sub(" ", (g.get("a4_post") or "").strip())
    comp = _WS.sub(" ", (g.get("a4_comp") or "").strip())
    head_key = _lookup_key(head4)
    kind = rules.head_kind.get(head_key, "unknown")
    mod_words = mods.split(" ") if mods else []
    post_words = post.split(" ") if post else []
    if head_key in rules.source_heads:
        for word in [*post_words, *reversed(mod_words)]:
            if word.casefold() in rules.qualifiers:
                kind = rules.qualifiers[word.casefold()]
                break
    words = [*mod_words, *_WS.sub(" ", head4).split(" ")]
    if (
        len(words) >= 2
        and words[-1].casefold() in ("source", "sources", "report", "reports")
        and words[-2].casefold() in rules.drop_head_after
    ):
        words = words[:-1]  # "Mauritanian media sources" → "Mauritanian media"
        kind = "media"
    name = " ".join(w for w in (*words, *post_words, comp) if w)
    generic = not mod_words and not post_words and not comp
    return _Found(SourceClaim(name, kind, relation, start, end), generic=generic)


def _bylines(text: str, rules: _Rules, lexicon: SourceLexicon) -> list[_Found]:
    out: list[_Found] = []
    for pattern in rules.bylines:
        for m in pattern.finditer(text):
            for group in ("name", "name2"):
                raw = m.groupdict().get(group)
                if not raw:
                    continue
                known = lexicon.lookup(raw)
                if known is None:
                    continue
                start, end = m.span(group)
                if start > 0 and text[start - 1] == "(":
                    close = text.find(")", end)
                    if close != -1 and close - end <= 40:
                        start, end = start - 1, close + 1
                claim = SourceClaim(known.name, known.kind, "byline", start, end)
                out.append(_Found(claim, generic=False))
    return out


def source_evidence(claims: Iterable[SourceClaim], *, text: str | None = None) -> list[Evidence]:
    """Evidence spans (field "sources") for the claims that have offsets.

    Pass the article ``text`` so that each evidence carries the attribution
    phrase ``text[start:end]``; without it the evidence text is the source name.
    """
    out: list[Evidence] = []
    for c in claims:
        if c.start is None or c.end is None:
            continue
        snippet = text[c.start : c.end] if text is not None else c.name
        out.append(
            Evidence(
                field="sources",
                start=c.start,
                end=c.end,
                text=snippet,
                extractor=EXTRACTOR,
                version=VERSION,
            )
        )
    return out
