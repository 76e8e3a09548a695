"""Spark as a second, independent Delta reader (run by support.SparkReader through the .venv
spark-submit, with Delta from the shipped gold jar). One long-lived driver per test process:
it answers each <inbox>/<n>.request (JSON) with <n>.answer: per requested table, read at the
requested (or latest) version, the version read, row count, and an order-independent digest of
every non-volatile column (lake root and the database name of a PostgreSQL URL normalized, as
support.table_rows does); or the error. <inbox>/stop ends it."""

import json
import sys
import time
import traceback
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def fingerprint(spark, t: dict, volatile: set) -> dict:
    path = t["path"]
    version = t["version"]
    if version is None:
        version = spark.sql(f"DESCRIBE HISTORY delta.`{path}` LIMIT 1").first()["version"]
    df = spark.read.format("delta").option("versionAsOf", version).load(path)
    cols = []
    for f in df.schema.fields:
        if f.name in volatile:
            continue
        c = F.col(f"`{f.name}`")
        if f.dataType.simpleString() == "string":
            for root in t["roots"]:
                c = F.replace(c, F.lit(root), F.lit("<lake>"))
            # each export runs into its own scratch database (support.PG_DATABASE)
            c = F.regexp_replace(c, r"(postgresql://[^/\s]+/)\w+", "$1<db>")
        cols.append(c.alias(f.name))
    row = (
        df.select(*cols)
        .select(
            F.count(F.lit(1)).alias("n"),
            F.sum(
                F.xxhash64(*[F.col(f"`{c}`") for c in df.select(*cols).columns]).cast(
                    "decimal(38,0)"
                )
            ).alias("h"),
        )
        .first()
    )
    return {
        "label": t["label"],
        "version": int(version),
        "rows": int(row["n"]),
        "digest": str(row["h"]),
    }


def main(inbox: str) -> None:
    # requests come as files, not on stdin: spark-submit starts this driver with a stdin of
    # its own that nobody writes to
    box = Path(inbox)
    spark = SparkSession.builder.appName("altaviz-reliability-read").getOrCreate()
    while not (box / "stop").exists():
        requests = sorted(box.glob("*.request"))
        if not requests:
            time.sleep(0.05)
            continue
        for req in requests:
            try:
                request = json.loads(req.read_text())
                volatile = set(request["volatile"])
                answer = {"tables": [fingerprint(spark, t, volatile) for t in request["tables"]]}
            except Exception:  # reported to the test, which fails with it; serve on
                answer = {"error": traceback.format_exc()}
            tmp = req.with_suffix(".tmp")
            tmp.write_text(json.dumps(answer))
            tmp.rename(req.with_suffix(".answer"))
            req.unlink()
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
