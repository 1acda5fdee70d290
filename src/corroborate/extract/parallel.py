"""Extraction over several processes: models load once per worker process."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

from corroborate.model import Article, Extraction

__all__ = ["extract_parallel"]

T = TypeVar("T")

_PIPELINE: object | None = None


def _init(config: Mapping[str, str] | None) -> None:
    global _PIPELINE  # one pipeline per worker process, built once
    from corroborate.extract.pipeline import Pipeline

    _PIPELINE = Pipeline.from_config(config)


def _work(item: T) -> tuple[T, Extraction | None]:
    from corroborate.extract.pipeline import Pipeline

    assert isinstance(_PIPELINE, Pipeline)
    return item, (_PIPELINE.extract(item) if isinstance(item, Article) else None)


def extract_parallel(
    items: Iterable[T],
    *,
    workers: int,
    config: Mapping[str, str] | None = None,
    chunksize: int = 16,
) -> Iterator[tuple[T, Extraction | None]]:
    """Extract in ``workers`` processes, yielding (item, extraction) in input order.

    Items that are not Articles (rejects) pass through with ``None``.
    """
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init, initargs=(dict(config or {}),)) as pool:
        yield from pool.imap(_work, items, chunksize=chunksize)
