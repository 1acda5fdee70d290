"""The Spark engine: the batch run on a Spark cluster (or ``local[N]``).

Stages, each a plain function of this package shipped to the executors:

1. list the input files through Hadoop (any Hadoop-compatible URI:
   ``hdfs://``, ``s3a://``, ``gs://``, ``abfs://``, local paths) and read
   them with Spark's ``binaryFile`` source; each file is parsed by
   :func:`corroborate.batch.io.read_file`, as in the local engine;
2. keep the first document of each text (by content hash), spread over
   ``partitions`` partitions;
3. extract each partition with the executor's own pipeline, built once per
   Python worker process (:func:`corroborate.batch.work.extract_partition`);
4. write OUTPUT/articles, OUTPUT/reports and OUTPUT/rejects as Parquet;
5. read OUTPUT/reports back and resolve incidents by blocks
   (:mod:`corroborate.batch.resolve_blocks`): one shuffle to the blocks, one
   to settle each report's incident, one to build each incident; write
   OUTPUT/incidents.

A whole input file is one task of stage 1 and is held in memory there
(Spark's limit is 2 GiB a file); CC-NEWS WARC files (~1 GiB) fit, and
larger JSON Lines inputs are best split or given as Parquet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from corroborate.batch.common import TABLES, BatchResult, table_uri
from corroborate.batch.flatten import Column, reject_row
from corroborate.batch.io import (
    InputFile,
    Positioned,
    canonical_uri,
    is_hidden,
    kind_of,
    positioned,
    read_file,
)
from corroborate.batch.resolve_blocks import (
    BlockConfig,
    Claim,
    block_entries,
    finalize,
    resolve_block,
    settle,
)
from corroborate.batch.work import Processed, extract_partition
from corroborate.errors import ConfigError
from corroborate.model import Article, Reject
from corroborate.readers import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

__all__ = ["list_inputs_spark", "run_spark", "spark_schema", "spark_session"]

_GLOB = re.compile(r"([\\*?\[\]{}])")


def spark_session(
    *,
    master: str | None = None,
    app_name: str = "corroborate batch",
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """Get or create the Spark session (the master and configuration of spark-submit
    apply when ``master`` is None)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(
            "the Spark engine needs pyspark: pip install 'corroborate[spark]'"
        ) from exc
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_schema(columns: Sequence[Column]) -> StructType:
    """The Spark schema of a table (the same columns and types as the Parquet schema)."""
    from pyspark.sql import types as T

    kinds: dict[str, T.DataType] = {
        "string": T.StringType(),
        "int32": T.IntegerType(),
        "int64": T.LongType(),
        "float64": T.DoubleType(),
        "bool": T.BooleanType(),
        "list<string>": T.ArrayType(T.StringType()),
    }
    return T.StructType([T.StructField(name, kinds[kind], True) for name, kind in columns])


# --- listing ------------------------------------------------------------------


def list_inputs_spark(spark: SparkSession, inputs: Sequence[str]) -> list[tuple[str, InputFile]]:
    """The files the inputs name, through Hadoop: ``(hadoop path, InputFile)`` in order.

    The same files in the same order as :func:`corroborate.batch.io.list_inputs`.
    """
    if not inputs:
        raise ConfigError("no input given: name at least one file or directory")
    jvm: Any = spark._jvm
    hadoop_conf = spark._jsc.hadoopConfiguration()
    found: dict[str, tuple[str, InputFile]] = {}
    for given in inputs:
        path = jvm.org.apache.hadoop.fs.Path(given)
        try:
            fs = path.getFileSystem(hadoop_conf)
            status = fs.getFileStatus(path)
        except Exception as exc:  # py4j wraps FileNotFoundException and friends
            raise ConfigError(f"no such input: {given}") from exc
        root = fs.makeQualified(path).toString().rstrip("/")
        listed: list[tuple[list[str], str]] = []
        if status.isDirectory():
            files = fs.listFiles(path, True)
            while files.hasNext():
                f = files.next()
                name = f.getPath().toString()
                relative = name[len(root) :].lstrip("/")
                if not is_hidden(relative):
                    listed.append((relative.split("/"), name))
        else:
            listed.append(([], fs.makeQualified(path).toString()))
        for _, name in sorted(listed):
            uri = canonical_uri(name)
            found.setdefault(uri, (name, InputFile(uri=uri, kind=kind_of(uri))))
    return list(found.values())


# --- stage functions (run on the executors) --------------------------------------------


def _read_row(
    row: Any, *, index: Mapping[str, tuple[int, InputFile]], max_bytes: int
) -> Iterator[Positioned]:
    path = canonical_uri(row["path"])
    if path not in index:  # Spark gives the path URL-encoded ("a%20b.jsonl")
        path = canonical_uri(unquote(row["path"]))
    number, file = index[path]
    yield from positioned(number, read_file(file, io.BytesIO(row["content"]), max_bytes=max_bytes))


def _is_reject(item: Positioned) -> bool:
    return isinstance(item[2], Reject)


def _reject_of(item: Positioned) -> dict[str, Any]:
    reject = item[2]
    assert isinstance(reject, Reject)
    return reject_row(reject)


def _keyed_article(item: Positioned) -> tuple[str, Positioned]:
    return item[2].id if isinstance(item[2], Article) else "", item


def _earlier(a: Positioned, b: Positioned) -> Positioned:
    return a if (a[0], a[1]) <= (b[0], b[1]) else b


def _article_of(pair: tuple[str, Positioned]) -> Article:
    article = pair[1][2]
    assert isinstance(article, Article)
    return article


def _extracted(articles: Iterable[Article], *, config: dict[str, str]) -> Iterator[Processed]:
    return extract_partition(articles, config)


def _article_row(p: Processed) -> list[dict[str, Any]]:
    return [p[0]] if p[0] is not None else []


def _report_rows(p: Processed) -> list[dict[str, Any]]:
    return p[1]


def _failed_row(p: Processed) -> list[dict[str, Any]]:
    return [p[2]] if p[2] is not None else []


def _as_tuple(row: dict[str, Any], *, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row.get(name) for name in names)


def _entries(
    row: dict[str, Any], *, config: BlockConfig
) -> list[tuple[Any, tuple[bool, dict[str, Any]]]]:
    return [(key, (home, row)) for key, home in block_entries(row, config)]


def _resolved(
    block: tuple[Any, Iterable[tuple[bool, dict[str, Any]]]], *, config: BlockConfig
) -> Iterator[tuple[str, Claim]]:
    return resolve_block(block[1], config)


def _by_incident(pair: tuple[str, Claim]) -> tuple[str, Claim]:
    return pair[1][1], pair[1]


def _finalized(group: tuple[str, Iterable[Claim]]) -> dict[str, Any]:
    return finalize(group[1])


def _row_dict(row: Any) -> dict[str, Any]:
    d: dict[str, Any] = row.asDict()
    return d


# --- the run -------------------------------------------------------------------------


def run_spark(
    inputs: Sequence[str],
    output: str,
    *,
    spark: SparkSession,
    config: Mapping[str, str] | None = None,
    blocks: BlockConfig | None = None,
    partitions: int | None = None,
    overwrite: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> BatchResult:
    """Run the batch on Spark and write OUTPUT/{articles,reports,incidents,rejects}/.

    ``partitions`` is the number of extraction and resolution partitions
    (default: three per core of the cluster). Raises ConfigError when an
    input is missing or OUTPUT already holds a batch output (unless
    ``overwrite``).
    """
    from pyspark import StorageLevel

    block_config = blocks or BlockConfig()
    sc = spark.sparkContext
    parts = partitions or max(2, sc.defaultParallelism * 3)
    if parts < 1:
        raise ConfigError(f"partitions must be at least 1, not {parts}")
    listed = list_inputs_spark(spark, inputs)
    mode = _check_output(spark, output, overwrite=overwrite)
    index = {file.uri: (number, file) for number, (_, file) in enumerate(listed)}
    paths = [_GLOB.sub(r"\\\1", name) for name, _ in listed]
    raw: RDD[Any] = (
        spark.read.format("binaryFile").load(paths).select("path", "content").rdd
        if paths
        else sc.emptyRDD()
    )
    items = raw.flatMap(partial(_read_row, index=index, max_bytes=max_bytes)).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    processed: RDD[Processed] | None = None
    try:
        firsts = (
            items.filter(lambda item: not _is_reject(item))
            .map(_keyed_article)
            .reduceByKey(_earlier, numPartitions=parts)
            .map(_article_of)
        )
        processed = firsts.mapPartitions(partial(_extracted, config=dict(config or {}))).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        _write(spark, processed.flatMap(_article_row), output, "articles", mode)
        _write(spark, processed.flatMap(_report_rows), output, "reports", mode)
        rejects = items.filter(_is_reject).map(_reject_of).union(processed.flatMap(_failed_row))
        _write(spark, rejects, output, "rejects", mode)
        documents = items.count()
    finally:
        items.unpersist()
        if processed is not None:
            processed.unpersist()
    rows = spark.read.parquet(table_uri(output, "reports")).rdd.map(_row_dict)
    incidents = (
        rows.flatMap(partial(_entries, config=block_config))
        .groupByKey(numPartitions=parts)
        .flatMap(partial(_resolved, config=block_config))
        .reduceByKey(settle, numPartitions=parts)
        .map(_by_incident)
        .groupByKey(numPartitions=parts)
        .map(_finalized)
    )
    _write(spark, incidents, output, "incidents", mode)
    return _summary(spark, output, documents=documents)


def _check_output(spark: SparkSession, output: str, *, overwrite: bool) -> str:
    jvm: Any = spark._jvm
    hadoop_conf = spark._jsc.hadoopConfiguration()
    for name in TABLES:
        path = jvm.org.apache.hadoop.fs.Path(table_uri(output, name))
        if path.getFileSystem(hadoop_conf).exists(path) and not overwrite:
            raise ConfigError(
                f"{output} already holds a batch output ({name}/): "
                "pass --overwrite to replace it, or choose another OUTPUT"
            )
    return "overwrite" if overwrite else "errorifexists"


def _write(
    spark: SparkSession, rows: RDD[dict[str, Any]], output: str, name: str, mode: str
) -> None:
    columns = TABLES[name]
    names = tuple(n for n, _ in columns)
    frame = spark.createDataFrame(rows.map(partial(_as_tuple, names=names)), spark_schema(columns))
    frame.write.mode(mode).parquet(table_uri(output, name))


def _summary(spark: SparkSession, output: str, *, documents: int) -> BatchResult:
    def count(name: str) -> int:
        return int(spark.read.parquet(table_uri(output, name)).count())

    result = BatchResult(
        documents=documents,
        articles=count("articles"),
        reports=count("reports"),
        incidents=count("incidents"),
    )
    for row in spark.read.parquet(table_uri(output, "rejects")).groupBy("reason").count().collect():
        result.rejects_by_reason[row["reason"]] = int(row["count"])
    result.rejected = sum(result.rejects_by_reason.values())
    result.duplicates = documents - result.articles - result.rejected
    return result
