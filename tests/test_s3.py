"""The lake and the raw landing on s3a:// (README.md, Lake on object storage): moto's S3 on
loopback, the shipped jars through scripts/spark-submit.sh with the cluster jars of dist/ext/.
Compared with the uninterrupted local reference (fixture `chain`, day 1): the same day on
s3a:// holds exactly the same rows in every table, ledger and PostgreSQL, and a run halted after
its commit converges on retry (Delta's single-writer log store, the default)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reliability.chain import RUN1
from reliability.support import (
    DAY1,
    KNOWN_LAKES,
    LEDGER,
    STAGES,
    VOLATILE,
    create_db,
    delta_tables,
    diff,
    drop_db,
    free_port,
    pg_dump_tables,
    reset_moto,
    run,
    run_ok,
    stage_args,
    table_rows,
)

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "altaviz"
REGION = "us-east-1"
# moto takes any key; the jobs read them from the environment (the AWS provider chain)
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
# where a landing on S3 and a local one differ by nature: the object's modification time
DROP = VOLATILE | {"_source_modified_at"}


class S3:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        kw = dict(
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        self.s3 = boto3.client("s3", **kw)
        self.env = {
            **CREDENTIALS,
            "ALTAVIZ_S3_ENDPOINT": endpoint,
            "ALTAVIZ_S3_PATH_STYLE": "true",
            "ALTAVIZ_S3_REGION": REGION,
        }

    def upload(self, local: Path, prefix: str) -> str:
        for p in sorted(local.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                self.s3.upload_file(str(p), BUCKET, f"{prefix}/{p.relative_to(local)}")
        return self.uri(prefix)

    def keys(self, prefix: str) -> list[str]:
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=BUCKET, Prefix=prefix + "/"
        ):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def download(self, prefix: str, local: Path) -> Path:
        for key in self.keys(prefix):
            dst = local / key[len(prefix) + 1 :]
            dst.parent.mkdir(parents=True, exist_ok=True)
            self.s3.download_file(BUCKET, key, str(dst))
        return local

    @staticmethod
    def uri(prefix: str) -> str:
        uri = f"s3a://{BUCKET}/{prefix}"
        KNOWN_LAKES.add(uri)  # values naming it normalize to '<lake>' like a local lake's
        return uri


@pytest.fixture(scope="module")
def s3(chain):
    port = free_port(45300 + os.getpid() % 400)  # the two xdist workers apart
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        s = S3(f"http://127.0.0.1:{port}")
        reset_moto(s.endpoint)
        s.s3.create_bucket(Bucket=BUCKET)
        s.raw = s.upload(chain.raw, "raw")
        KNOWN_LAKES.add(str(chain.raw.resolve()))  # bronze's _source_file: '<lake>/sensor_...'
        yield s
    finally:
        server.stop()


def assert_tables_equal(
    lake: Path, reference: Path, where: str, drop=DROP, only: tuple = ()
) -> None:
    got, want = delta_tables(lake), delta_tables(reference)
    if only:
        assert set(only) <= set(got), f"{where}: tables {sorted(got)} lack some of {only}"
        got, want = ({t: d[t] for t in only} for d in (got, want))
    assert sorted(got) == sorted(want), f"{where}: tables {sorted(got)} != {sorted(want)}"
    for name in want:
        a, b = table_rows(got[name], lake, drop=drop), table_rows(want[name], reference, drop=drop)
        assert a == b, f"{where}: {name} differs from the local run\n" + diff(a, b)


def ledger_counts(lake: Path) -> list[tuple]:
    from deltalake import DeltaTable

    rows = DeltaTable(str(lake / LEDGER)).to_pyarrow_table().to_pylist()
    return sorted(
        (
            r["run_id"],
            r["stage"],
            r["status"],
            r["rows_in"],
            r["rows_out"],
            r["rows_quarantined"],
            r["input_version"],
            r["output_version"],
            r["duration_ms"],
        )
        for r in rows
    )


def test_one_day_on_s3a_equals_the_same_day_on_local_disk(s3, chain, tmp_path):
    """Single-writer default (Delta's S3SingleDriverLogStore): bronze -> silver -> gold ->
    export of day 1 with --raw and --lake on s3a://: every table, the ledger and PostgreSQL
    hold exactly what the local run of the same day holds."""
    lake = s3.uri("lake")
    db = create_db(chain.pg)
    seconds = {}
    try:
        for stage in STAGES:
            r = run_ok(
                stage,
                *stage_args(stage, s3.raw, lake, DAY1, RUN1),
                log_dir=tmp_path,
                env={**s3.env, **(db if stage == "export" else {})},
            )
            seconds[stage] = r.seconds
            # no credential in the driver's output
            assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in r.log
        copy = s3.download("lake", tmp_path / "lake")
        reference = chain.snaps["day1"]
        assert_tables_equal(copy, reference, "s3a day 1")
        got, want = ledger_counts(copy), ledger_counts(reference)
        assert [g[:-1] for g in got] == [w[:-1] for w in want]
        assert pg_dump_tables(db) == pg_dump_tables(chain.db_day1)
        local_ms = {w[1]: w[-1] for w in want}
        s3_ms = {g[1]: g[-1] for g in got}
        print(
            "\ns3a:// day 1 wall times: "
            + ", ".join(f"{s} {seconds[s]:.1f} s" for s in STAGES)
            + f" (total {sum(seconds.values()):.0f} s)"
            + "\nin-job durations s3a:// vs local disk (ledger): "
            + ", ".join(
                f"{s} {s3_ms[s] / 1000:.1f} s vs {local_ms[s] / 1000:.1f} s" for s in STAGES
            )
        )
        print(
            "rows (stage, rows_in, rows_out, quarantined): "
            + ", ".join(f"{g[1]} {g[3]}/{g[4]}/{g[5]}" for g in got)
        )
    finally:
        drop_db(db)


def test_a_bronze_run_halted_after_its_commit_on_s3_converges_on_retry(s3, chain, tmp_path):
    """Bronze halted right after its readings commit (ALTAVIZ_FAILPOINT=
    bronze.after-readings-commit:halt, exit 137 like SIGKILL) on s3a://: the retry takes the
    committed delivery as ingested and the lake ends exactly as the uninterrupted local run's."""
    lake = s3.uri("halted-lake")
    bronze = stage_args("bronze", s3.raw, lake, DAY1, RUN1)
    halted = run(
        "bronze",
        *bronze,
        log_dir=tmp_path,
        env={**s3.env, "ALTAVIZ_FAILPOINT": "bronze.after-readings-commit:halt"},
    )
    assert halted.returncode == 137, halted.log[-3000:]
    retry = run_ok("bronze", *bronze, log_dir=tmp_path, env=s3.env)
    assert "already ingested: 2" in retry.log  # the halted run's commit is the retry's input
    copy = s3.download("halted-lake", tmp_path / "lake")
    assert [r[:3] for r in ledger_counts(copy)] == [(RUN1, "bronze", "success")]
    assert_tables_equal(
        copy,
        chain.snaps["day1"],
        "s3a bronze after a halted commit",
        only=(
            "bronze/sensor_readings",
            "bronze/compressor_metadata",
            "bronze/maintenance_logs",
            "bronze/stations",
        ),
    )


def test_the_dag_adds_the_cluster_jars_and_s3_settings_for_an_s3a_lake(monkeypatch):
    """dags/altaviz_jobs.py: an s3a:// lake adds <ALTAVIZ_JAR_DIR>/ext/*.jar (or
    ALTAVIZ_EXTRA_JARS) and the ALTAVIZ_S3_* settings spark-submit.sh maps; a local lake neither.
    No credential is a Spark conf."""
    import importlib
    import sys

    dags = str(Path(__file__).resolve().parents[1] / "dags")
    monkeypatch.syspath_prepend(dags)
    for name, value in {
        "ALTAVIZ_JAR_DIR": "/opt/j",
        "ALTAVIZ_LAKE": "s3a://b/lake",
        "ALTAVIZ_S3_ENDPOINT": "http://minio:9000",
        "ALTAVIZ_S3_PATH_STYLE": "true",
        "ALTAVIZ_S3_LOGSTORE": "dynamodb",
        "ALTAVIZ_S3_DDB_TABLE": "t",
        "ALTAVIZ_S3_REGION": "eu-west-1",
        **CREDENTIALS,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ALTAVIZ_EXTRA_JARS", raising=False)
    sys.modules.pop("altaviz_jobs", None)
    jobs = importlib.import_module("altaviz_jobs")
    task = jobs.spark_job("silver", "silver", [])
    assert task.jars == "/opt/j/ext/*.jar"
    conf = task.conf
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://minio:9000"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    assert conf["spark.hadoop.fs.s3a.endpoint.region"] == "eu-west-1"
    assert conf["spark.delta.logStore.s3a.impl"] == "io.delta.storage.S3DynamoDBLogStore"
    assert conf["spark.io.delta.storage.S3DynamoDBLogStore.ddb.tableName"] == "t"
    assert conf["spark.io.delta.storage.S3DynamoDBLogStore.ddb.region"] == "eu-west-1"
    assert not any(CREDENTIALS["AWS_SECRET_ACCESS_KEY"] in v for v in conf.values())

    monkeypatch.setenv("ALTAVIZ_LAKE", "/data/lake")
    sys.modules.pop("altaviz_jobs", None)
    jobs = importlib.import_module("altaviz_jobs")
    task = jobs.spark_job("silver", "silver", [])
    assert task.jars is None
    assert not any(k.startswith("spark.hadoop.fs.s3a") for k in task.conf)
    sys.modules.pop("altaviz_jobs", None)
