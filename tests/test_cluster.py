"""Cluster mode: a Spark standalone master and two workers on 127.0.0.1 from the pyspark
distribution in .venv; the whole pipeline (the same jars, unchanged) runs on it with
ALTAVIZ_SPARK_MASTER=spark://127.0.0.1:<port> and must produce exactly the tables and PostgreSQL
rows of local mode: the first day of the reliability reference (fixture `chain`, the same jars on
the same landing data in local mode). One worker (with its executor) is SIGKILLed while the gold
stage computes: Spark re-runs the lost tasks on the other worker and the stage completes with the
same output. The cluster is always torn down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from reliability.chain import RUN1
from reliability.support import (
    DAY1,
    SPARK_HOME,
    STAGES,
    Run,
    create_db,
    delta_tables,
    diff,
    drop_db,
    free_port,
    kill_group,
    ledger_outcomes,
    log_path_for,
    pg_dump_tables,
    register_lake,
    run_ok,
    stage_args,
    start,
    table_rows,
)

EXECUTOR_CONF = "--conf spark.executor.memory=512m --conf spark.executor.cores=1"


@dataclass
class Cluster:
    url: str
    ui: str
    master: subprocess.Popen
    workers: list[subprocess.Popen]

    def state(self) -> dict:
        with urllib.request.urlopen(self.ui + "/json/", timeout=5) as r:
            return json.load(r)

    def alive_workers(self) -> list[dict]:
        try:
            return [w for w in self.state()["workers"] if w["state"] == "ALIVE"]
        except OSError:
            return []


def _spark_class(*args: str, log: Path, env: dict) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [str(SPARK_HOME / "bin" / "spark-class"), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait(what: str, condition, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(base),
        "SPARK_WORKER_DIR": str(base / "work"),
    }
    port, ui_port = free_port(7077), free_port(8090)
    url, ui = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}"
    procs = []
    try:
        master = _spark_class(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(ui_port),
            log=base / "master.log",
            env=env,
        )
        procs.append(master)
        c = Cluster(url, ui, master, [])
        _wait("the master web UI", lambda: master.poll() is None and _responds(ui))
        for i in range(2):
            w = _spark_class(
                "org.apache.spark.deploy.worker.Worker",
                url,
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                "1g",
                "--webui-port",
                str(free_port(8091 + 10 * i)),
                "--work-dir",
                str(base / f"work{i}"),
                log=base / f"worker{i}.log",
                env=env,
            )
            procs.append(w)
            c.workers.append(w)
        _wait("two ALIVE workers", lambda: len(c.alive_workers()) == 2)
        yield c
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                kill_group(p)


def _responds(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/json/", timeout=2):
            return True
    except OSError:
        return False


def test_the_pipeline_on_a_standalone_cluster_matches_local_mode_despite_a_lost_worker(
    cluster, chain, tmp_path
):
    logs = tmp_path / "logs"
    local = chain.snaps["day1"]
    cluster_db = create_db(chain.pg)
    try:
        lake = register_lake(tmp_path / "cluster-lake")
        conf = {"ALTAVIZ_SPARK_CONF": EXECUTOR_CONF}

        def args(stage: str) -> list:
            return stage_args(stage, chain.raw, lake, DAY1, RUN1)

        for stage in ("bronze", "silver"):
            run_ok(stage, *args(stage), log_dir=logs, env=conf, master=cluster.url)
        # gold: SIGKILL one worker (and the executor it launched) once gold computes
        idle = [w for w in cluster.alive_workers() if w["coresused"] == 0]
        assert len(idle) == 2, "both workers should be alive and idle before gold starts"
        gold, killed_worker = _gold_losing_a_worker(cluster, args("gold"), logs, conf)
        lost = [
            line.split(" - ", 1)[-1][:160]
            for line in gold.log.splitlines()
            if "Lost executor" in line or "Lost task" in line
        ]
        print(
            f"\ngold on the cluster: exit {gold.returncode} in {gold.seconds:.1f} s, worker "
            f"killed at {killed_worker:.1f} s; {len(lost)} loss lines, e.g. {lost[:3]}"
        )
        assert gold.returncode == 0, gold.log[-4000:]
        assert "Lost executor" in gold.log, "the killed worker's executor was not lost"
        _wait(
            "the master to drop the killed worker",
            lambda: len(cluster.alive_workers()) == 1,
            timeout=120,
        )
        run_ok(
            "export", *args("export"), log_dir=logs, env={**cluster_db, **conf}, master=cluster.url
        )

        # the same tables as local mode, to the last value
        want, got = delta_tables(local), delta_tables(lake)
        assert sorted(got) == sorted(want)
        for t in want:
            if t == "ops/pipeline_runs":
                continue
            a, b = table_rows(got[t], lake), table_rows(want[t], local)
            assert a == b, f"{t}: cluster mode differs from local mode\n" + diff(a, b)
        assert (
            ledger_outcomes(lake)
            == ledger_outcomes(local)
            == {(RUN1, s): ["success"] for s in STAGES}
        )
        from deltalake import DeltaTable

        apps = {
            r["stage"]: r["spark_app_id"]
            for r in DeltaTable(str(lake / "ops/pipeline_runs")).to_pyarrow_table().to_pylist()
        }
        assert all(a.startswith("app-") for a in apps.values()), apps  # standalone app ids
        assert pg_dump_tables(cluster_db) == pg_dump_tables(chain.db_day1)
    finally:
        drop_db(cluster_db)


def _executor_ids(worker: subprocess.Popen) -> set[str]:
    """Ids of the executors a worker launched: they run in its process group."""
    ids = set()
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and os.getpgid(int(proc.name)) == worker.pid:
                argv = (proc / "cmdline").read_bytes().split(b"\0")
                if b"--executor-id" in argv:
                    ids.add(argv[argv.index(b"--executor-id") + 1].decode())
        except (OSError, IndexError):
            continue  # the process ended meanwhile
    return ids


def _active_tasks(ui: str) -> dict[str, int]:
    """Running tasks per executor id, from the driver's REST API ({} before it answers)."""
    try:
        with urllib.request.urlopen(ui + "/api/v1/applications", timeout=2) as r:
            app = json.load(r)[0]["id"]
        with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/executors", timeout=2) as r:
            return {e["id"]: e["activeTasks"] for e in json.load(r)}
    except (OSError, ValueError, IndexError, KeyError):
        return {}


def _gold_losing_a_worker(cluster: Cluster, args: list, logs: Path, conf: dict):
    """Runs gold on the cluster; once the driver runs a task of the feature pass on the first
    worker's executor, SIGKILLs that worker's process group (worker + executor), so the driver
    loses a registered executor with work on it. Returns (run, seconds into the run)."""
    log = log_path_for(logs, "gold")
    ui_port = free_port(4050)
    t0 = time.monotonic()
    proc = start(
        "gold",
        *args,
        env={
            **conf,
            "ALTAVIZ_SPARK_CONF": f"{conf['ALTAVIZ_SPARK_CONF']} --conf spark.ui.port={ui_port}",
        },
        log_path=log,
        master=cluster.url,
    )
    killed_at = None
    ui = f"http://127.0.0.1:{ui_port}"
    try:
        while proc.poll() is None and time.monotonic() - t0 < 900:
            if killed_at is None and ": Computing features and writing" in log.read_text(
                errors="replace"
            ):
                busy = _active_tasks(ui)
                if any(busy.get(e, 0) > 0 for e in _executor_ids(cluster.workers[0])):
                    os.killpg(cluster.workers[0].pid, signal.SIGKILL)
                    killed_at = time.monotonic() - t0
            time.sleep(0.05)
        proc.wait(timeout=900)
    finally:
        if proc.poll() is None:
            kill_group(proc)
    cluster.workers[0].wait()
    assert killed_at is not None, (
        "gold finished before its task on worker 0 could be killed:\n"
        + (log.read_text(errors="replace")[-3000:])
    )
    return Run(
        "gold", (), proc.returncode, time.monotonic() - t0, log.read_text(errors="replace")
    ), killed_at
