"""How the Altaviz DAGs launch the job jars: deployment paths and one SparkSubmitOperator shape.

Settings come from the environment of the DAG processor, read when a DAG file is parsed (the
only thing read then: no connection, variable or file). Defaults are the container layout of
docker-compose.yml; airflow/standalone.sh points them at the working tree.

    ALTAVIZ_JAR_DIR        directory of altaviz-<job>.jar    /opt/altaviz/jars
    ALTAVIZ_CONFIG         etl_config.yaml                   /opt/altaviz/config/etl_config.yaml
    ALTAVIZ_RAW            raw landing root                  /opt/altaviz/data/raw
    ALTAVIZ_LAKE           Delta lake root (path or URI)     /opt/altaviz/data/lake
    ALTAVIZ_LOG4J          driver log4j2 configuration       /opt/altaviz/config/log4j2.properties
    ALTAVIZ_DRIVER_MEMORY  spark-submit --driver-memory      2g
    ALTAVIZ_CDS_ARCHIVE    class-data sharing archive        <ALTAVIZ_JAR_DIR>/spark-classes.jsa

The Spark master is not here: it is the ``spark_default`` connection's (``local[2]`` for the
demo, ``spark://spark-master:7077`` in compose). Listed in .airflowignore: not a DAG file.
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from altaviz_notify import on_task_failure

JAR_DIR = os.environ.get("ALTAVIZ_JAR_DIR", "/opt/altaviz/jars")
CONFIG = os.environ.get("ALTAVIZ_CONFIG", "/opt/altaviz/config/etl_config.yaml")
RAW = os.environ.get("ALTAVIZ_RAW", "/opt/altaviz/data/raw")
LAKE = os.environ.get("ALTAVIZ_LAKE", "/opt/altaviz/data/lake")
LOG4J = os.environ.get("ALTAVIZ_LOG4J", "/opt/altaviz/config/log4j2.properties")
DRIVER_MEMORY = os.environ.get("ALTAVIZ_DRIVER_MEMORY", "2g")
# Dumped by scripts/spark-submit.sh's first silver run; the JVM ignores a missing or stale one.
CDS_ARCHIVE = os.environ.get("ALTAVIZ_CDS_ARCHIVE", f"{JAR_DIR.rstrip('/')}/spark-classes.jsa")

SPARK_CONN_ID = "spark_default"

SPARK_CONF = {
    # Our log layout and levels for the driver (the jobs log through SLF4J to Spark's log4j2);
    # Spark's classes mapped from the archive: 3-5 s less per task (scripts/spark-submit.sh).
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG4J}"
                                     f" -XX:SharedArchiveFile={CDS_ARCHIVE}"
                                     " -Xlog:cds=off,cds+dynamic=off",
    # Progress bars garble the task log.
    "spark.ui.showConsoleProgress": "false",
}

# Per-job driver JVM options, after the shared ones (scripts/spark-submit.sh has the same). Export
# and gold JIT-compile with C1 only: C2's compiler threads spent about 15 CPU-s of a gold run's
# 35, taking the cores from the tasks, for code that runs once or for seconds (bench/RESULTS.md).
C1_ONLY = "-XX:TieredStopAtLevel=1"
JOB_JVM_OPTIONS = {"export": C1_ONLY, "gold": C1_ONLY}


def spark_conf(job: str) -> dict[str, str]:
    conf = dict(SPARK_CONF)
    if job in JOB_JVM_OPTIONS:
        conf["spark.driver.extraJavaOptions"] += " " + JOB_JVM_OPTIONS[job]
    return conf


# Shared by every task of the Altaviz DAGs. Exponential backoff: the first retry 2-4 min after a
# failure, the second 4-8 min (Airflow randomises within [d, 2d)), never more than 30 min --
# time for a PostgreSQL restart or a busy cluster.
DEFAULT_ARGS = {
    "owner": "data-platform",
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    # A day at 4,500 compressors takes under a minute; an hour means something is stuck.
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": on_task_failure,
}


def jar(job: str) -> str:
    return f"{JAR_DIR.rstrip('/')}/altaviz-{job}.jar"


def spark_job(task_id: str, job: str, application_args: list[str], **kwargs) -> SparkSubmitOperator:
    """``spark-submit`` of dist/altaviz-<job>.jar: the way scripts/spark-submit.sh runs it."""
    return SparkSubmitOperator(
        task_id=task_id,
        conn_id=SPARK_CONN_ID,
        application=jar(job),
        name=f"altaviz-{job}",
        application_args=application_args,
        conf=spark_conf(job),
        driver_memory=DRIVER_MEMORY,
        **kwargs,
    )
