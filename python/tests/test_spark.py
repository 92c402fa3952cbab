"""slant.spark under Spark local[2]: one partial per partition, merged on
the driver, gives the reports `slant.analyze` gives for the same rows.

Skipped when pyspark or Java is missing, unless SLANT_REQUIRE_SPARK=1 (as
in .ci/run), when it fails instead."""

import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import slant
import slant.spark

REQUIRED = os.environ.get("SLANT_REQUIRE_SPARK") == "1"


def _spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if REQUIRED:
            pytest.fail("no java for Spark")
        pytest.skip("no java")
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    import sys

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master("local[2]")
        .appName("slant-test")
        .config("spark.sql.files.maxPartitionBytes", 2048)
        .config("spark.sql.shuffle.partitions", 2)
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def spark():
    s = _spark()
    yield s
    s.stop()


WORDS = ["Militants attacked the base.", "Insurgents fled the town.", "Rebels seized the convoy.",
         "Protesters marched.", "Rioters looted the shops.", "Terrorists attacked the army.",
         "Freedom fighters seized the town.", "Demonstrators gathered in the square."]


def corpus(n=60):
    ids = [f"d{i:03d}" for i in range(n)]
    sources = ["ledger", "wire", "post"]
    text = [" ".join(WORDS[(i * 3 + k) % len(WORDS)] for k in range(4)) for i in range(n)]
    if n > 7:
        text[7] = None  # a null text: a rejection, counted
    return pa.table({
        "id": ids,
        "source": [sources[i % 3] for i in range(n)],
        "date": [f"2020-03-{1 + i % 28:02d}" for i in range(n)],
        "text": text,
    })


def test_spark_equals_analyze(spark, tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(corpus(), path, row_group_size=10)
    opts = dict(no_models=True, bootstrap=50)
    cli = slant.analyze(path, tmp_path / "cli", **opts)
    df = spark.read.parquet(str(path))
    assert df.rdd.getNumPartitions() >= 2
    s = slant.spark.analyze(df, tmp_path / "spark", text="text", source="source", id="id",
                            date="date", **opts)
    assert (s["read"], s["analysed"], s["rejected"]) == (cli["read"], cli["analysed"], 1)
    rejected = (tmp_path / "spark" / "rejected.csv").read_text()
    assert "empty text" in rejected and "d007" in rejected
    # Every CSV byte for byte: the rows carry their file and row in it
    # (Spark's _metadata), so documents.csv and rejected.csv name them as
    # `slant analyze` of the file does.
    compared = 0
    for f in sorted(os.listdir(tmp_path / "cli")):
        if f.endswith(".csv"):
            assert (tmp_path / "cli" / f).read_bytes() == (tmp_path / "spark" / f).read_bytes(), f
            compared += 1
    assert compared >= 6
    # Without positions, the rows are the frame's: named after it.
    slant.spark.analyze(df, tmp_path / "frame", text="text", source="source", id="id",
                        date="date", positions=False, **opts)
    docs = (tmp_path / "frame" / "documents.csv").read_text()
    assert ",dataframe," in docs and str(path) not in docs


def test_spark_names_files_as_analyze_run_there(spark, tmp_path, monkeypatch):
    # Spark knows a file by its absolute URI (here with a space, escaped as
    # %20); `slant analyze "my data/x.parquet"` run in tmp_path names it
    # relative to where it runs. The partials name files under `relative_to`
    # (by default the driver's working directory) the same way.
    (tmp_path / "my data").mkdir()
    path = tmp_path / "my data" / "x.parquet"
    pq.write_table(corpus(24), path, row_group_size=6)
    opts = dict(no_models=True, bootstrap=20)
    monkeypatch.chdir(tmp_path)
    cli = slant.analyze("my data/x.parquet", tmp_path / "cli", **opts)
    df = spark.read.parquet(str(path))
    cols = dict(text="text", source="source", id="id", date="date")
    slant.spark.analyze(df, tmp_path / "cwd", **cols, **opts)
    slant.spark.analyze(df, tmp_path / "abs", relative_to=None, **cols, **opts)
    docs = (tmp_path / "cli" / "documents.csv").read_text()
    assert ",my data/x.parquet,1," in docs
    assert (tmp_path / "cwd" / "documents.csv").read_text() == docs
    absolute = (tmp_path / "abs" / "documents.csv").read_text()
    assert f",{path},1," in absolute and absolute != docs
    assert cli["analysed"] == 23


def test_spark_missing_column(spark, tmp_path):
    df = spark.createDataFrame(corpus(4).to_pylist())
    with pytest.raises(slant.InputError, match="dataframe: no column `body` for --text-col; columns are: date, id, source, text"):
        slant.spark.analyze(df, tmp_path / "out", text="body", source="source")
