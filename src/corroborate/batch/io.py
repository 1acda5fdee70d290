"""Batch inputs: which files an input names, and the documents in each file.

A batch input is a file or a directory (read recursively; names starting
with ``.`` or ``_`` are skipped, as Hadoop does) given as a local path or
as a URI. The format comes from the file name:

- ``.jsonl``, ``.ndjson`` (optionally ``.gz``): JSON Lines in the input
  format of ``corroborate extract`` (read by the same reader);
- ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``: WARC archives such as
  CC-NEWS (read by the same reader);
- ``.parquet``: a table with a ``text`` column and optionally ``id``,
  ``published`` (a string, a date or a timestamp), ``outlet``, ``url``,
  ``title`` and ``language``; each row is checked exactly like a JSON line.

Any other file gives a Reject (``unsupported-type``), so that nothing is
left out silently. Every document read is paired with its position
(the file's index in the listing, its index in the file), which both
engines use to keep the first of several documents with the same text.

The local engine lists and opens files here (local paths, ``file://``,
and the URIs pyarrow's file systems know: ``s3://``, ``gs://``,
``hdfs://``…); the Spark engine lists through Hadoop and hands the same
bytes to :func:`read_file`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, cast
from urllib.parse import urlsplit

from corroborate.errors import ConfigError
from corroborate.model import Article, Reject
from corroborate.readers import DEFAULT_MAX_BYTES, read_jsonl, read_warc

__all__ = [
    "PARQUET_FIELDS",
    "InputFile",
    "Kind",
    "Positioned",
    "canonical_uri",
    "is_hidden",
    "is_local",
    "kind_of",
    "list_inputs",
    "open_input",
    "positioned",
    "read_file",
    "read_parquet",
]

Kind = Literal["jsonl", "warc", "parquet"]

#: (file index, index in the file, the article or reject read there).
Positioned = tuple[int, int, Article | Reject]

#: The columns of a Parquet input that are read (only ``text`` is required).
PARQUET_FIELDS = ("id", "text", "published", "outlet", "url", "title", "language")

_SUFFIXES: tuple[tuple[str, Kind], ...] = (
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".warc", "warc"),
    (".warc.gz", "warc"),
    (".arc", "warc"),
    (".arc.gz", "warc"),
    (".parquet", "parquet"),
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LINE = re.compile(r"^line (\d+): ")
_BATCH_ROWS = 1024


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file of a batch input: its canonical URI and its format (None: unsupported)."""

    uri: str
    kind: Kind | None


def kind_of(name: str) -> Kind | None:
    """The format a file name says, or None."""
    lower = name.lower()
    for suffix, kind in _SUFFIXES:
        if lower.endswith(suffix):
            return kind
    return None


def canonical_uri(uri: str) -> str:
    """The name a file goes by in the output (``origin``), the same for both engines.

    Local files are absolute paths (``file:/x``, ``file:///x`` and ``x`` all
    become ``/abs/x``); anything else keeps its URI.
    """
    if uri.startswith("file:"):
        rest = uri[len("file:") :]
        if rest.startswith("//"):
            rest = rest[2:]
            if not rest.startswith("/"):  # file://host/path
                rest = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return os.path.normpath(rest)
    if is_local(uri):
        return os.path.abspath(uri)
    return uri


def is_local(uri: str) -> bool:
    """Whether ``uri`` is a local path (no scheme, ``file:``, or a Windows drive)."""
    match = _SCHEME.match(uri)
    if match is None or uri.startswith("file:"):
        return True
    return len(match.group(1)) == 1  # C:\\…


def is_hidden(relative: str) -> bool:
    """Whether a path inside an input directory is skipped (a part starts with . or _)."""
    return any(part.startswith((".", "_")) for part in relative.replace("\\", "/").split("/"))


# --- listing (local engine) -------------------------------------------------------


def list_inputs(inputs: Sequence[str]) -> list[InputFile]:
    """The files the inputs name, in order (a directory's files sorted by path).

    Raises ConfigError when an input does not exist: the run cannot start.
    A file named twice is listed once.
    """
    if not inputs:
        raise ConfigError("no input given: name at least one file or directory")
    found: dict[str, InputFile] = {}
    for given in inputs:
        uris = _list_local(given) if is_local(given) else _list_remote(given)
        for uri in uris:
            found.setdefault(uri, InputFile(uri=uri, kind=kind_of(uri)))
    return list(found.values())


def _list_local(given: str) -> list[str]:
    root = canonical_uri(given)
    if os.path.isfile(root):
        return [root]
    if not os.path.isdir(root):
        raise ConfigError(f"no such input: {given}")
    files: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        files.extend(os.path.join(folder, n) for n in names if not n.startswith((".", "_")))
    return sorted(files, key=lambda p: os.path.relpath(p, root).split(os.sep))


def _filesystem(uri: str) -> tuple[Any, str]:
    try:
        from pyarrow import fs as pafs
    except ImportError as exc:  # pragma: no cover - pyarrow is in the spark extra
        raise ConfigError("reading URIs needs pyarrow: pip install 'corroborate[spark]'") from exc
    try:
        filesystem, path = pafs.FileSystem.from_uri(uri)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError… for unknown schemes
        raise ConfigError(f"cannot open {uri}: {exc}") from exc
    return filesystem, str(path)


def _remote_uri(given: str, filesystem: Any, path: str) -> str:
    parts = urlsplit(given)
    if getattr(filesystem, "type_name", "") in ("s3", "gcs"):
        return f"{parts.scheme}://{path.lstrip('/')}"  # the bucket is part of the path
    return f"{parts.scheme}://{parts.netloc}/{path.lstrip('/')}"


def _list_remote(given: str) -> list[str]:
    from pyarrow import fs as pafs

    filesystem, path = _filesystem(given)
    try:
        info = filesystem.get_file_info(path)
        if info.type == pafs.FileType.File:
            return [_remote_uri(given, filesystem, path)]
        if info.type != pafs.FileType.Directory:
            raise ConfigError(f"no such input: {given}")
        entries = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
    except OSError as exc:
        raise ConfigError(f"cannot list {given}: {exc}") from exc
    base = path.rstrip("/")
    files = [
        e.path
        for e in entries
        if e.type == pafs.FileType.File and not is_hidden(e.path[len(base) :].lstrip("/"))
    ]
    return [_remote_uri(given, filesystem, p) for p in sorted(files)]


def open_input(uri: str) -> IO[bytes]:
    """Open one listed file for reading (a remote file is read into memory)."""
    if is_local(uri):
        return open(uri, "rb")
    filesystem, path = _filesystem(uri)
    with filesystem.open_input_stream(path) as stream:
        return io.BytesIO(stream.read())


# --- reading ------------------------------------------------------------------------


def read_file(
    file: InputFile, stream: IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Reject]:
    """The articles and rejects of one input file, in file order.

    ``max_bytes`` caps each JSON line, WARC record and Parquet row (as the
    readers of ``corroborate extract`` do).
    """
    origin = file.uri
    if file.kind is None:
        yield Reject(
            origin=origin,
            reason="unsupported-type",
            detail="not a batch input: name it .jsonl, .ndjson, .warc(.gz) or .parquet",
        )
        return
    if file.kind == "warc":
        yield from read_warc(stream, origin=origin, max_bytes=max_bytes)
        return
    if file.kind == "parquet":
        yield from read_parquet(stream, origin=origin, max_bytes=max_bytes)
        return
    source = stream
    if origin.lower().endswith(".gz"):
        source = cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
    try:
        yield from read_jsonl(source, origin=origin, max_bytes=max_bytes)
    except (OSError, EOFError) as exc:  # a corrupt or truncated .gz
        yield Reject(origin=origin, reason="unreadable", detail=f"reading stopped: {exc}")


def read_parquet(
    source: str | IO[bytes], *, origin: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | Reject]:
    """The rows of a Parquet file as Articles (or Rejects, with their row number).

    Each row is checked by the JSON Lines reader, so a row is accepted or
    rejected exactly as the same object on a line of a ``.jsonl`` file.
    """
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(source)
        names = set(table.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError… on a bad file
        yield Reject(
            origin=origin, reason="unreadable", detail=f"not a readable Parquet file: {exc}"
        )
        return
    if "text" not in names:
        yield Reject(
            origin=origin,
            reason="missing-text",
            detail=f"no 'text' column (columns: {', '.join(sorted(names)) or 'none'})",
        )
        return
    columns = [c for c in PARQUET_FIELDS if c in names]
    row = 0
    try:
        for batch in table.iter_batches(batch_size=_BATCH_ROWS, columns=columns):
            lines = [_json_line(r) for r in batch.to_pylist()]
            stream = io.BytesIO(b"".join(line + b"\n" for line in lines))
            for item in read_jsonl(stream, origin=origin, max_bytes=max_bytes):
                if isinstance(item, Reject):
                    item = _row_reject(item, offset=row)
                yield item
            row += len(lines)
    except Exception as exc:  # a corrupt row group
        yield Reject(
            origin=origin,
            reason="unreadable",
            detail=f"reading stopped after {row} rows: {type(exc).__name__}: {exc}",
        )


def _json_line(record: dict[str, Any]) -> bytes:
    """One Parquet row as a JSON line (so the JSON Lines reader checks it)."""
    return json.dumps(
        {k: _plain(v) for k, v in record.items()}, ensure_ascii=False, default=str
    ).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _row_reject(reject: Reject, *, offset: int) -> Reject:
    """A JSON Lines reject about "line N" of a batch, as one about row ``offset + N``."""
    match = _LINE.match(reject.detail)
    if match is None:
        return reject
    detail = f"row {offset + int(match.group(1))}: {reject.detail[match.end() :]}"
    return Reject(
        origin=reject.origin, reason=reject.reason, detail=detail, external_id=reject.external_id
    )


def positioned(index: int, items: Iterator[Article | Reject]) -> Iterator[Positioned]:
    """Pair each item of the ``index``-th file with its position."""
    for seq, item in enumerate(items):
        yield index, seq, item
