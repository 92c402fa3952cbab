"""slant over a Spark DataFrame: one partial per partition (``mapInArrow``
on the executors), merged on the driver into the reports ``slant analyze``
writes for the same rows.

pyspark is not a dependency of the package: it is imported when
``analyze`` is called, from the Spark installation running it. The slant
package must be installed where the executors' Python runs (see the
README: a local run, and a cluster run with ``spark-submit``).
"""

from __future__ import annotations

import os
from typing import Any

import slant


def _wanted(options: dict) -> list:
    """The columns the options name, with their flag (``None`` when the
    text or source column is left to its default and the whole frame must
    go)."""
    cols = []
    for key in ("text_col", "source_col"):
        if options.get(key) is None:
            return None
        cols.append((options[key], key))
    for key in ("id_col", "story_col", "date_col", "title_col", "group_col"):
        if options.get(key) is not None:
            cols.append((options[key], key))
    keep = options.get("keep_col")
    if keep is not None:
        cols.extend((k, "keep_col") for k in ([keep] if isinstance(keep, str) else keep))
    return cols


_CWD = object()


def partials(df, text=None, source=None, id=None, story=None, date=None,
             title=None, name: str = "dataframe", positions: bool = True,
             relative_to=_CWD, **options: Any) -> list:
    """The partials of ``df``'s partitions (a list of bytes, one per
    partition that holds rows), extracted on the executors. With
    ``positions`` (the default), rows read from files carry their file and
    row (Spark's ``_metadata``), so that the documents' ``file`` and
    ``line`` are those ``slant analyze`` of the same file writes. Spark
    knows a file by its absolute URI; a file under the directory
    ``relative_to`` (by default the driver's working directory; ``None``
    keeps absolute paths) is named relative to it, as ``slant analyze
    x.parquet`` run in that directory names it."""
    from pyspark.sql.types import BinaryType, StructField, StructType

    opts = slant._columns(dict(options), text, source, id, story, date, title)
    # One task per core already: each extraction uses one thread unless told.
    opts.setdefault("threads", 1)
    wanted = _wanted(opts)
    if wanted is not None:
        # Checked here, with the library's message, before Spark starts.
        for col, key in wanted:
            if col not in df.columns:
                flag = "--" + key.replace("_", "-")
                raise slant.InputError(
                    f"{name}: no column `{col}` for {flag}; columns are: {', '.join(df.columns)}"
                )
        names = []
        for col, _ in wanted:
            if col not in names:
                names.append(col)
        df = df.select(*names)
    origin = None
    base = os.getcwd() if relative_to is _CWD else relative_to
    if base is not None:
        base = os.path.abspath(os.fspath(base))
    if positions:
        # Each row's file and row in it, where Spark knows them (a file
        # source such as Parquet): documents then carry the file and line
        # `slant analyze FILE` gives them.
        from pyspark.sql import functions as F

        try:
            df = df.select(
                "*",
                F.col("_metadata.file_path").alias("__slant_file"),
                F.col("_metadata.row_index").alias("__slant_row"),
            )
            origin = ("__slant_file", "__slant_row")
        except Exception:  # not a file source: positions unknown
            origin = None

    def extract(batches):
        import itertools

        import pyarrow as pa

        import slant as s

        it = iter(batches)
        first = next(it, None)
        if first is None:
            return
        reader = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], it))
        part = s.extract_partial(reader, name=name, origin=origin, origin_base=base, **opts)
        yield pa.RecordBatch.from_pydict({"partial": [part]},
                                         schema=pa.schema([("partial", pa.binary())]))

    schema = StructType([StructField("partial", BinaryType(), False)])
    return [bytes(r["partial"]) for r in df.mapInArrow(extract, schema).collect()]


def analyze(df, out_dir, text=None, source=None, id=None, story=None,
            date=None, title=None, name: str = "dataframe", positions: bool = True,
            relative_to=_CWD, **options: Any) -> dict:
    """Analyze the rows of a Spark DataFrame into reports in ``out_dir``
    (on the driver's file system): each partition's rows become a partial on
    an executor (through the same record gate as a file's records: null
    texts are rejections), and the partials are merged on the driver.
    Column keywords name the columns; ``positions`` and ``relative_to`` are
    as for ``partials`` (files under the driver's working directory are
    named relative to it); other keywords are ``slant.analyze``'s options.
    Returns the run's summary."""
    opts = slant._columns(dict(options), text, source, id, story, date, title)
    parts = partials(df, name=name, positions=positions, relative_to=relative_to, **opts)
    opts.pop("threads", None)
    return slant.merge(parts, os.fspath(out_dir), **opts)
