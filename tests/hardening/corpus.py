"""A mixed corpus, part valid and part hostile, with the exact outcome it must have.

Built in a temporary directory from the small seeds in
``tests/data/hardening/seeds.json`` (invented sentences); nothing here is
benchmark data. Every hostile item has the one reject reason it must end
with, so a run can be checked item for item through ``corroborate stats``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "data" / "hardening" / "seeds.json"

#: Over the readers' default cap (20 MB) on one file, JSON line or WARC record.
OVER_CAP = 20_000_000 + 1_000


@dataclass
class Corpus:
    """Where the corpus is and what ``corroborate ingest`` must make of it."""

    sources: list[str]
    valid: int = 0  # distinct valid articles: each stored exactly once
    duplicates: int = 0  # repeated valid texts: read, not stored again
    rejects: Counter[str] = field(default_factory=Counter)  # reason -> count

    @property
    def items(self) -> int:
        return self.valid + self.duplicates + sum(self.rejects.values())


def _seeds() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads(SEEDS.read_text(encoding="utf-8"))
    return data


def valid_text(k: int, rng: random.Random) -> str:
    """A short, unique, event-like text (number ``k`` makes it unique)."""
    seeds = _seeds()
    template = seeds["templates"][k % len(seeds["templates"])]
    text = template.format(
        place=rng.choice(seeds["places"]),
        day=rng.randint(1, 28),
        month=rng.choice(seeds["months"]),
        year=rng.randint(2015, 2025),
        n=rng.randint(2, 40),
        h=rng.randint(2, 9),
    )
    return f"{text} Ref {k:06d}."


# Hostile JSON lines: (the reason they must be rejected with, the line's bytes).
def _hostile_lines(k: int) -> list[tuple[str, bytes]]:
    ok = json.dumps(f"Valid-looking text of hostile line {k} about a clash near Gao.")
    return [
        ("bad-json", b'{"text": "unterminated'),
        ("bad-json", b"[" * 50_000),
        ("bad-json", b'{"id": ' + b"9" * 5_000 + b', "text": ' + ok.encode() + b"}"),
        ("bad-json", b"{'text': 'single quotes'}"),
        ("not-an-object", b"[1, 2, 3]"),
        ("not-an-object", b'"just a string"'),
        ("not-an-object", b"1e999"),
        ("missing-text", b'{"id": "m-%d", "title": "no text here"}' % k),
        ("bad-text", b'{"text": 12345}'),
        ("bad-text", b'{"text": ["a", "list"]}'),
        ("binary", b'{"text": "NUL\\u0000inside a text"}'),
        ("binary", b'{"text": "' + b"\\u0001\\u0002" * 200 + b'abc"}'),
        ("empty", b'{"text": "   \\n\\t  "}'),
        ("bad-field", b'{"id": 1.5, "text": ' + ok.encode() + b"}"),
        ("bad-field", b'{"id": true, "text": ' + ok.encode() + b"}"),
        ("bad-field", b'{"text": ' + ok.encode() + b', "outlet": {"a": 1}}'),
        ("bad-field", b'{"text": ' + ok.encode() + b', "url": 42}'),
        ("bad-date", b'{"text": ' + ok.encode() + b', "published": "2023-13-45"}'),
        ("bad-date", b'{"text": ' + ok.encode() + b', "published": 1e999}'),
        ("bad-date", b'{"text": ' + ok.encode() + b', "published": "99999-01-01"}'),
        ("bad-date", b'{"text": ' + ok.encode() + b', "published": "0001-01-01"}'),
        ("undecodable", b'{"text": "caf\xe9 \xff\xfe broken bytes"}'),
        ("undecodable", b'{"text": "a lone surrogate \\ud800 here"}'),
        ("undecodable", b'{"text": ' + ok.encode() + b', "title": "\\udfff"}'),
    ]


def _warc(records: list[tuple[str, bytes]], *, gzip_it: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip_it)
    for uri, payload in records:
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=http
            )
        )
    return buf.getvalue()


def _html_page(text: str, title: str) -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(".") if s.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>Home | World</nav><article><h1>{title}</h1>{paragraphs}"
        "<p>The report could not be independently verified by this newspaper.</p>"
        "</article></body></html>"
    ).encode()


def build(
    root: Path,
    n_items: int,
    *,
    seed: int = 8,
    valid_share: float = 0.4,
    huge: bool = True,
    special_files: bool = True,
) -> Corpus:
    """Write a corpus of ``n_items`` items under ``root``; return what must come of it.

    ``huge`` adds the inputs over the 20 MB cap (a JSON line and a gzip
    bomb in a WARC record); ``special_files`` a FIFO, a broken symbolic
    link and URL sources that must be refused without any network.
    """
    rng = random.Random(seed)
    corpus_dir = root / "corpus"
    corpus_dir.mkdir(parents=True)
    out = Corpus(sources=[str(corpus_dir)])
    k = 0

    def add_reject(reason: str) -> None:
        out.rejects[reason] += 1

    # --- whole files, valid and hostile ---------------------------------------
    files: list[tuple[str, bytes, Callable[[], None]]] = []

    def valid_file(name: str, data: bytes, n: int = 1) -> None:
        def count() -> None:
            out.valid += n

        files.append((name, data, count))

    def bad_file(name: str, data: bytes, reason: str) -> None:
        files.append((name, data, lambda: add_reject(reason)))

    texts = [valid_text(k + i, rng) for i in range(6)]
    k += 6
    valid_file("a-plain.txt", texts[0].encode("utf-8"))
    valid_file("b-page.html", _html_page(texts[1] + " " + texts[2], "Clash <near> the town"))
    valid_file(
        "c-captures.warc.gz",
        _warc(
            [
                ("https://news.example/1", _html_page(texts[3], "One")),
                ("https://news.example/2", _html_page(texts[4], "Two")),
            ]
        ),
        2,
    )
    valid_file(
        "d-feed.rss",
        (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            "<title>Example Wire</title><link>https://wire.example/</link>"
            f"<item><title>Item</title><link>https://wire.example/a</link>"
            f"<description>{texts[5]}</description></item>"
            "</channel></rss>"
        ).encode(),
    )
    bad_file("e-noise.dat", b"\x00" + rng.randbytes(4_000), "binary")
    bad_file("f-empty.txt", b"", "empty")
    bad_file(
        "g-nested.html",
        b"<html><body>" + b"<div>" * 5_000 + b"</div>" * 5_000 + b"</body></html>",
        "no-text-in-html",
    )
    bad_file("h-corrupt.warc.gz", b"\x1f\x8b\x08\x00" + rng.randbytes(2_000), "bad-warc")
    bad_file("i-notafeed.xml", b"<<<this is not &&& xml at all", "bad-feed")
    bad_file(
        "j-emptyfeed.rss",
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        b"<item><title>no text</title></item></channel></rss>",
        "missing-text",
    )
    if huge:
        # A gzip bomb: ~50 kB on disk, 60 MB once inflated, in one WARC record.
        bomb = b"<html><body><p>" + b"a" * 60_000_000 + b"</p></body></html>"
        bad_file("k-bomb.warc.gz", _warc([("https://bomb.example/", bomb)]), "too-large")
        bad_file("l-huge.txt", b"word " * (OVER_CAP // 5 + 1), "too-large")
    for name, data, count in files:
        (corpus_dir / name).write_bytes(data)
        count()
    if special_files:
        os.mkfifo(corpus_dir / "m-pipe")
        add_reject("not-a-file")
        os.symlink(corpus_dir / "nowhere", corpus_dir / "n-dangling")
        add_reject("not-found")
        for url, reason in (
            ("http://127.0.0.1:9/admin", "unsafe-url"),
            ("http://169.254.169.254/latest/meta-data/", "unsafe-url"),
            ("http://[::1]/", "unsafe-url"),
            ("http://0x7f000001/", "unsafe-url"),
            ("ftp://files.example/news.txt", "bad-scheme"),
            ("file:///etc/passwd", "bad-scheme"),
        ):
            out.sources.append(url)
            add_reject(reason)

    # --- JSON Lines: the bulk of the items -------------------------------------
    fixed = out.items
    remaining = max(0, n_items - fixed - (1 if huge else 0))
    n_dup = max(1, remaining // 100)
    n_valid = max(1, round(remaining * valid_share) - n_dup)
    n_bad = max(0, remaining - n_valid - n_dup)
    lines: list[bytes] = []
    seen: list[bytes] = []
    for i in range(n_valid):
        record = {
            "id": f"doc-{i}",
            "text": valid_text(k, rng),
            "outlet": rng.choice(["Example Wire", "Le Monde Exemple", "<b>Bold</b> Post", None]),
            "url": f"https://news.example/{i}",
            "title": rng.choice(["Clash", "<script>alert(1)</script>", "\u202eRTL title", None]),
            "published": rng.choice(["2024-05-01", "2019-12-31T23:00:00Z", None]),
        }
        k += 1
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8")
        lines.append(line)
        seen.append(line)
    for i in range(n_dup):
        lines.append(seen[(i * 7919) % len(seen)])
    catalogue = _hostile_lines(k)
    for i in range(n_bad):
        reason, line = catalogue[i % len(catalogue)]
        lines.append(line)
        add_reject(reason)
    out.valid += n_valid
    out.duplicates += n_dup
    rng.shuffle(lines)
    # CRLF in one file, LF in the others; a BOM at the start of the first
    per_file = max(1, len(lines) // 4 + 1)
    for part in range(4):
        chunk = lines[part * per_file : (part + 1) * per_file]
        end = b"\r\n" if part == 1 else b"\n"
        data = (b"\xef\xbb\xbf" if part == 0 else b"") + end.join(chunk) + (end if chunk else b"")
        (corpus_dir / f"p{part}-docs.jsonl").write_bytes(data)
    if huge:
        with open(corpus_dir / "q-huge-line.jsonl", "wb") as fh:
            fh.write(b'{"text": "' + b"x" * OVER_CAP + b'"}\n')
        add_reject("too-large")
    return out


def gz(data: bytes) -> bytes:
    """``data`` gzip-compressed (for HTTP bodies in the fetch tests)."""
    return gzip.compress(data, compresslevel=9)
