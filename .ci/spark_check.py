"""Issue 21's acceptance 2 on every CI run: every sixth article of allsides,
written as Parquet sorted by id, analysed by the command line and by
slant.spark.analyze under Spark local[2] (several partitions), must give
byte-identical CSVs.

usage: spark_check.py ALLSIDES_JSONL_GZ SLANT_BINARY WORK_DIR [STEP]"""

import filecmp
import gzip
import json
import os
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

src, binary, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
step = int(sys.argv[4]) if len(sys.argv) > 4 else 6
os.makedirs(work, exist_ok=True)
os.chdir(work)

cols = ["id", "source", "date", "title", "text"]
rows = []
with gzip.open(src, "rt", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i % step == 0:
            d = json.loads(line)
            rows.append({c: d.get(c) for c in cols})
rows.sort(key=lambda r: r["id"] or "")
pq.write_table(pa.table({c: [r[c] for r in rows] for c in cols}), "sample.parquet",
               row_group_size=1000)
print(f"sample.parquet: {len(rows)} articles (every {step}th)")

flags = dict(text="text", source="source", id="id", date="date", title="title")
t0 = time.time()
subprocess.run([binary, "analyze", "sample.parquet", "-o", "cli", "--quiet",
                "--text-col", "text", "--source-col", "source", "--id-col", "id",
                "--date-col", "date", "--title-col", "title"], check=True)
t_cli = time.time() - t0

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
from pyspark.sql import SparkSession  # noqa: E402

import slant.spark  # noqa: E402

spark = (SparkSession.builder.master("local[2]").appName("slant-ci")
         .config("spark.sql.files.maxPartitionBytes", 4 << 20)
         .config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.parquet("sample.parquet")
parts = df.rdd.getNumPartitions()
t0 = time.time()
slant.spark.analyze(df, "spark", **flags)
t_spark = time.time() - t0
spark.stop()

csvs = sorted(f for f in os.listdir("cli") if f.endswith(".csv"))
spark_csvs = sorted(f for f in os.listdir("spark") if f.endswith(".csv"))
if csvs != spark_csvs:
    sys.exit(f"different files: cli {csvs}, spark {spark_csvs}")
differ = [f for f in csvs if not filecmp.cmp(f"cli/{f}", f"spark/{f}", shallow=False)]
if differ:
    sys.exit(f"CSVs differ between slant analyze and slant.spark.analyze: {differ}")
print(f"{len(csvs)} CSVs byte-identical ({', '.join(csvs)}); "
      f"CLI {t_cli:.1f} s, Spark local[2] {parts} partitions {t_spark:.1f} s")
