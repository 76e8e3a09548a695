"""Spark as a second, independent Delta reader (run by support.SparkReader through the .venv
spark-submit, with Delta from the shipped gold jar). One long-lived driver per test process:
it answers each request (inbox.py) with, per requested table, read at the
requested (or latest) version, the version read, row count, and an order-independent digest of
every non-volatile column (lake root and the database name of a PostgreSQL URL normalized, as
support.table_rows does)."""

import sys

from inbox import serve
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
    spark = SparkSession.builder.appName("altaviz-reliability-read").getOrCreate()

    def answer(request: dict) -> dict:
        volatile = set(request["volatile"])
        return {"tables": [fingerprint(spark, t, volatile) for t in request["tables"]]}

    serve(inbox, answer)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
