"""The local engine: the batch run in plain Python (and pyarrow), on one machine.

Files are read in listing order, the first document with a given text is
kept, each article is extracted (in ``workers`` processes when asked, each
loading the models once), and the four tables are written to
``OUTPUT/<table>/part-00000.parquet``. Incidents are resolved by the same
block functions the Spark engine uses, so both write the same rows.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from corroborate.batch.common import TABLES, BatchResult
from corroborate.batch.flatten import arrow_schema, reject_row
from corroborate.batch.io import canonical_uri, is_local, list_inputs, open_input, read_file
from corroborate.batch.resolve_blocks import BlockConfig, resolve_all
from corroborate.batch.work import Extractor, Processed, process, worker_pipeline
from corroborate.errors import ConfigError, StoreError
from corroborate.model import Article, Reject
from corroborate.readers import DEFAULT_MAX_BYTES

__all__ = ["run_local"]

_ROWS_PER_GROUP = 2000
_PART = "part-00000.parquet"


def run_local(
    inputs: Sequence[str],
    output: str,
    *,
    extractor: Extractor | None = None,
    config: Mapping[str, str] | None = None,
    workers: int = 1,
    blocks: BlockConfig | None = None,
    overwrite: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BatchResult:
    """Run the batch over ``inputs`` and write OUTPUT/{articles,reports,incidents,rejects}/.

    ``extractor`` (e.g. an already loaded Pipeline) is used in this process
    when ``workers`` is 1; otherwise each worker process builds its own
    from ``config``. Raises ConfigError when an input is missing or OUTPUT
    already holds a batch output (unless ``overwrite``).
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, not {workers}")
    block_config = blocks or BlockConfig()
    files = list_inputs(inputs)
    out = _Output(output, overwrite=overwrite)
    result = BatchResult()
    reader = _Reader(files=files, max_bytes=max_bytes)
    writers = {name: out.writer(name) for name in ("articles", "reports", "rejects")}
    report_rows: list[dict[str, Any]] = []
    try:
        for article_row, rows, reject in _processed(
            reader.articles(), extractor=extractor, config=config, workers=workers
        ):
            if reject is not None:
                writers["rejects"].add(reject)
                result.rejected += 1
                result.rejects_by_reason[reject["reason"]] += 1
                continue
            assert article_row is not None
            writers["articles"].add(article_row)
            result.articles += 1
            for row in rows:
                writers["reports"].add(row)
            report_rows.extend(rows)
        for reject in reader.rejects:
            writers["rejects"].add(reject)
        result.documents = reader.documents
        result.duplicates = reader.duplicates
        result.rejected += len(reader.rejects)
        result.rejects_by_reason.update(reader.reasons)
        result.reports = len(report_rows)
        with out.writer("incidents") as incidents:
            for row in resolve_all(report_rows, block_config):
                incidents.add(row)
                result.incidents += 1
    finally:
        for writer in writers.values():
            writer.close()
    return result


class _Reader:
    """Reads the listed files in order; keeps the rejects and the counts aside.

    With worker processes its ``articles`` generator runs in the pool's
    feeder thread: only that thread touches this object until the pool is done.
    """

    def __init__(self, *, files: Sequence[Any], max_bytes: int) -> None:
        self.files = files
        self.max_bytes = max_bytes
        self.documents = 0
        self.duplicates = 0
        self.rejects: list[dict[str, Any]] = []
        self.reasons: Counter[str] = Counter()

    def _reject(self, reject: Reject) -> None:
        self.rejects.append(reject_row(reject))
        self.reasons[reject.reason] += 1

    def articles(self) -> Iterator[Article]:
        seen: set[str] = set()
        for file in self.files:
            try:
                stream = open_input(file.uri)
            except OSError as exc:
                self.documents += 1
                self._reject(
                    Reject(origin=file.uri, reason="unreadable", detail=f"cannot open: {exc}")
                )
                continue
            with stream:
                for item in read_file(file, stream, max_bytes=self.max_bytes):
                    self.documents += 1
                    if isinstance(item, Reject):
                        self._reject(item)
                    elif item.id in seen:
                        self.duplicates += 1
                    else:
                        seen.add(item.id)
                        yield item


# --- extraction ---------------------------------------------------------------


_CONFIG: dict[str, str] = {}


def _init(config: dict[str, str]) -> None:
    global _CONFIG  # the worker process's config, for its lazily built pipeline
    _CONFIG = config
    worker_pipeline(config)


def _work(article: Article) -> Processed:
    return process(article, worker_pipeline(_CONFIG))


def _processed(
    articles: Iterator[Article],
    *,
    extractor: Extractor | None,
    config: Mapping[str, str] | None,
    workers: int,
) -> Iterator[Processed]:
    if workers == 1:
        own = extractor if extractor is not None else worker_pipeline(config)
        for article in articles:
            yield process(article, own)
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init, initargs=(dict(config or {}),)) as pool:
        yield from pool.imap(_work, articles, chunksize=4)


# --- output -------------------------------------------------------------------


class _Output:
    """OUTPUT on a local disk or a pyarrow file system; one directory per table."""

    def __init__(self, output: str, *, overwrite: bool) -> None:
        from pyarrow import fs as pafs

        if is_local(output):
            self.fs: Any = pafs.LocalFileSystem()
            self.base = canonical_uri(output)
        else:
            try:
                self.fs, self.base = pafs.FileSystem.from_uri(output)
            except Exception as exc:
                raise ConfigError(f"cannot write to {output}: {exc}") from exc
        self.base = self.base.rstrip("/") or "/"
        try:
            for name in TABLES:
                path = self._path(name)
                if self.fs.get_file_info(path).type != pafs.FileType.NotFound:
                    if not overwrite:
                        raise ConfigError(
                            f"{output} already holds a batch output ({name}/): "
                            "pass --overwrite to replace it, or choose another OUTPUT"
                        )
                    self.fs.delete_dir(path)
            for name in TABLES:
                self.fs.create_dir(self._path(name), recursive=True)
        except OSError as exc:
            raise StoreError(f"cannot write to {output}: {exc}") from exc

    def _path(self, name: str) -> str:
        return f"{self.base}/{name}" if self.base != "/" else f"/{name}"

    def writer(self, name: str) -> _TableWriter:
        return _TableWriter(self.fs, f"{self._path(name)}/{_PART}", name)


class _TableWriter:
    """Writes rows of one table to one Parquet file, a row group at a time."""

    def __init__(self, filesystem: Any, path: str, name: str) -> None:
        import pyarrow.parquet as pq

        self.schema = arrow_schema(TABLES[name])
        self.rows: list[dict[str, Any]] = []
        self.closed = False
        try:
            self.writer = pq.ParquetWriter(path, self.schema, filesystem=filesystem)
        except OSError as exc:
            raise StoreError(f"cannot write {path}: {exc}") from exc

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= _ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self._flush()
        finally:
            self.writer.close()

    def __enter__(self) -> _TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
