"""slant: how news outlets frame the same events through word choice.

Python bindings of the slant library (Rust, through PyO3) over Arrow:

- ``analyze(inputs, out_dir, **options)``: ``slant analyze`` of files
  (CSV, JSONL, text folders, Parquet), with the command line's options as
  keywords (``--text-col`` is ``text_col=``); returns the run's summary.
- ``extract_partial(batch, text=..., source=..., ...)``: a partial of an
  in-memory ``pyarrow.RecordBatch`` or ``Table`` (bytes), and
  ``merge(partials, out_dir, **options)``: the reports of all of them,
  byte-identical to ``analyze`` of the same rows.
- ``read_report(out_dir, name)``: a report back as a ``pyarrow.Table``
  (``read_report_pandas`` for a pandas DataFrame).
- ``slant.spark.analyze(df, out_dir, ...)``: the same over a Spark
  DataFrame, one partial per partition.

Errors from the library are ``SlantError`` (``InputError`` for input that
cannot be used, ``UsageError`` for options), with the library's message.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional

from . import _slant
from ._slant import InputError, SlantError, UsageError, option_names

__all__ = [
    "analyze",
    "extract_partial",
    "merge",
    "read_records",
    "read_report",
    "read_report_pandas",
    "option_names",
    "SlantError",
    "InputError",
    "UsageError",
]


#: The learned models shipped in the package (the repository's models/).
MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")


def _with_models(options: dict) -> dict:
    """The shipped models unless ``model_dir`` or ``no_models`` is given
    (the command line's default is the checkout's models/: the same
    files, so partials from both agree)."""
    if options.get("model_dir") is None and not options.get("no_models") and os.path.isdir(MODELS):
        options["model_dir"] = MODELS
    return options


def analyze(inputs, out_dir, **options: Any) -> dict:
    """Analyze files or folders into reports in ``out_dir``, as
    ``slant analyze INPUTS -o OUT_DIR`` does; keywords are the command
    line's flags (``text_col="body"``, ``no_models=True``,
    ``keep_col=["topic"]``; see ``option_names()``). Returns the run's
    summary (the counts ``run.json`` records)."""
    return _slant.analyze(_paths(inputs), os.fspath(out_dir), **_with_models(options))


def _columns(options: dict, text, source, id, story, date, title) -> dict:
    for key, value in (
        ("text_col", text),
        ("source_col", source),
        ("id_col", id),
        ("story_col", story),
        ("date_col", date),
        ("title_col", title),
    ):
        if value is not None:
            options[key] = value
    return options


def read_records(data, text=None, source=None, id=None, story=None, date=None,
                 title=None, name: str = "frame", **options: Any):
    """The documents and rejections slant's record gate makes of the rows
    of ``data`` (a ``pyarrow.RecordBatch``, ``Table`` or stream), without
    analyzing them: two lists of dicts (``row`` is the 1-based row)."""
    _columns(options, text, source, id, story, date, title)
    return _slant.read_records(data, name=name, **options)


def extract_partial(data, text=None, source=None, id=None, story=None,
                    date=None, title=None, name: str = "frame", origin=None,
                    origin_base=None, **options: Any) -> bytes:
    """A partial of the rows of ``data`` (a ``pyarrow.RecordBatch`` or
    ``Table``; text columns Utf8, LargeUtf8 or Utf8View), for ``merge``.
    Rows go through the same gate as a file's records: a null or empty text
    or source is a rejection, counted in ``run.json``. Column keywords name
    the columns (default as for files: ``text``, ``source``, ``id``, …);
    other keywords are the analysis options, which must be the same for
    every partial merged. ``origin``, a pair of column names, gives each
    row's file and 0-based row in it (as Spark's ``_metadata`` does for a
    Parquet file): the documents' ``file`` and ``line`` are then those
    ``analyze`` of that file writes; the ``file:`` URI scheme and its
    ``%`` escapes are dropped, and a path under the directory
    ``origin_base`` is written relative to it (as ``slant analyze`` run in
    that directory names a file given by its relative path). The GIL is
    released while it works."""
    _columns(options, text, source, id, story, date, title)
    if origin_base is not None:
        origin_base = os.fspath(origin_base)
    return _slant.extract_partial(data, name=name, origin=origin, origin_base=origin_base,
                                  **_with_models(options))


def merge(partials: Iterable[bytes], out_dir, **options: Any) -> dict:
    """Write the reports of all ``partials`` (in any order) into
    ``out_dir``, exactly as ``analyze`` of the same rows would; returns the
    run's summary. Partials made with other options are refused."""
    return _slant.merge([bytes(p) for p in partials], os.fspath(out_dir), **_with_models(options))


def read_report(out_dir, name: str):
    """A report of ``out_dir`` as a ``pyarrow.Table``: ``name`` is a file
    (``"sources.csv"``) or its stem (``"sources"``). Every column is read
    as text except those pyarrow reads as numbers; empty cells are nulls."""
    import pyarrow.csv as pcsv

    path = os.path.join(os.fspath(out_dir), name)
    if not os.path.exists(path) and os.path.exists(path + ".csv"):
        path += ".csv"
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        return pq.read_table(path)
    return pcsv.read_csv(path)


def read_report_pandas(out_dir, name: str):
    """``read_report`` as a pandas DataFrame."""
    return read_report(out_dir, name).to_pandas()


def _paths(inputs) -> list:
    if isinstance(inputs, (str, bytes, os.PathLike)):
        return [os.fspath(inputs)]
    return [os.fspath(p) for p in inputs]
