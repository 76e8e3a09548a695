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
    ALTAVIZ_EXTRA_JARS     spark-submit --jars (comma list)  <ALTAVIZ_JAR_DIR>/ext/*.jar when the
                           lake or raw root is s3a://, else none (README.md, Lake on object storage)
    ALTAVIZ_S3_*           s3a and Delta log store settings as spark-submit.sh maps them (s3_conf)

AWS credentials are never here: the jobs take them from the AWS provider chain of the worker
(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in its environment, a profile, an instance role).

The Spark master is not here: it is the ``spark_default`` connection's (``local[2]`` for the
demo, ``spark://spark-master:7077`` in compose). Listed in .airflowignore: not a DAG file.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import timedelta

from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from altaviz_notify import EXIT_CODE_MEANING, on_task_failure

JAR_DIR = os.environ.get("ALTAVIZ_JAR_DIR", "/opt/altaviz/jars")
CONFIG = os.environ.get("ALTAVIZ_CONFIG", "/opt/altaviz/config/etl_config.yaml")
RAW = os.environ.get("ALTAVIZ_RAW", "/opt/altaviz/data/raw")
LAKE = os.environ.get("ALTAVIZ_LAKE", "/opt/altaviz/data/lake")
LOG4J = os.environ.get("ALTAVIZ_LOG4J", "/opt/altaviz/config/log4j2.properties")
DRIVER_MEMORY = os.environ.get("ALTAVIZ_DRIVER_MEMORY", "2g")
# Dumped by scripts/spark-submit.sh's first silver run; the JVM ignores a missing or stale one.
CDS_ARCHIVE = os.environ.get("ALTAVIZ_CDS_ARCHIVE", f"{JAR_DIR.rstrip('/')}/spark-classes.jsa")

SPARK_CONN_ID = "spark_default"


def uses_s3a() -> bool:
    return RAW.startswith("s3a://") or LAKE.startswith("s3a://")


# hadoop-aws and its AWS SDK bundle (and, for the DynamoDB log store, Delta's
# delta-storage-s3-dynamodb): not in the job jars; a cluster supplies them, `make dist` puts the
# first two in dist/ext/. Spark expands the glob.
EXTRA_JARS = (
    os.environ.get("ALTAVIZ_EXTRA_JARS", f"{JAR_DIR.rstrip('/')}/ext/*.jar" if uses_s3a() else "")
    or None
)


def s3_conf(env=os.environ) -> dict[str, str]:
    """ALTAVIZ_S3_* as Spark confs: the same mapping as scripts/spark-submit.sh."""
    conf = {}
    endpoint = env.get("ALTAVIZ_S3_ENDPOINT", "")
    for key, value in (
        ("spark.hadoop.fs.s3a.endpoint", endpoint),
        ("spark.hadoop.fs.s3a.endpoint.region", env.get("ALTAVIZ_S3_REGION", "")),
        ("spark.hadoop.fs.s3a.path.style.access", env.get("ALTAVIZ_S3_PATH_STYLE", "")),
    ):
        if value:
            conf[key] = value
    if endpoint.startswith("http://"):
        conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] = "false"
    store = env.get("ALTAVIZ_S3_LOGSTORE", "single")
    if store == "dynamodb":
        ddb = "spark.io.delta.storage.S3DynamoDBLogStore"
        conf["spark.delta.logStore.s3a.impl"] = "io.delta.storage.S3DynamoDBLogStore"
        for key, value in (
            (f"{ddb}.ddb.tableName", env.get("ALTAVIZ_S3_DDB_TABLE", "")),
            (
                f"{ddb}.ddb.region",
                env.get("ALTAVIZ_S3_DDB_REGION", env.get("ALTAVIZ_S3_REGION", "")),
            ),
        ):
            if value:
                conf[key] = value
    elif store != "single":
        raise ValueError(f"ALTAVIZ_S3_LOGSTORE is single or dynamodb, not {store!r}")
    return conf


SPARK_CONF = {
    # Our log layout and levels for the driver (the jobs log through SLF4J to Spark's log4j2);
    # Spark's classes mapped from the archive: a faster JVM start (scripts/spark-submit.sh).
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG4J}"
    f" -XX:SharedArchiveFile={CDS_ARCHIVE}"
    " -Xlog:cds=off,cds+dynamic=off",
    # Progress bars garble the task log.
    "spark.ui.showConsoleProgress": "false",
}

# Per-job driver JVM options, after the shared ones (scripts/spark-submit.sh has the same and says
# why). Export JIT-compiles with C1 only; gold lets HotSpot compile Spark's generated serializer
# of its wide rows, which is over HotSpot's huge-method limit. On a cluster, give gold's
# executors the same option (spark.executor.extraJavaOptions).
C1_ONLY = "-XX:TieredStopAtLevel=1"
COMPILE_HUGE_METHODS = "-XX:-DontCompileHugeMethods"
JOB_JVM_OPTIONS = {"export": C1_ONLY, "gold": COMPILE_HUGE_METHODS}


def spark_conf(job: str) -> dict[str, str]:
    conf = dict(SPARK_CONF)
    if uses_s3a():
        conf.update(s3_conf())
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


# A driver log line of config/log4j2.properties' layout: "2024-02-03 00:00:05 WARN  logger - ...".
LOG4J_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b")
LEVELS = {
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
}
# The one line a stage jar prints when it fails (JobLauncher): "altaviz-silver: error: <why>".
JOB_ERROR_LINE = re.compile(r"^altaviz-[\w-]+: error: ")
EXCEPTION_HEADER = re.compile(r"^([A-Za-z_$][\w$]*\.)+[\w$]*(Exception|Error|Throwable)\b")
TRACE_CONTINUATIONS = ("Caused by:", "Suppressed:", "...")


class StageSubmitHook(SparkSubmitHook):
    """spark-submit whose output keeps the job's log levels in the task log (a WARN line is a
    warning there, an ERROR line an error, so the UI's level filter finds them) and whose
    failure names the job's own error line, not only the command line."""

    def _process_spark_submit_log(self, itr) -> None:
        if self._is_yarn or self._is_kubernetes or self._should_track_driver_status:
            # cluster deploy modes: the provider reads driver ids out of these lines
            super()._process_spark_submit_log(itr)
            return
        level, in_record = logging.INFO, False
        for raw in itr:
            line = raw.rstrip()
            match = LOG4J_LINE.match(line)
            if match:
                level, in_record = LEVELS[match.group(1)], True
            elif JOB_ERROR_LINE.match(line):
                self.job_error = line
                level, in_record = logging.ERROR, False
            elif raw[:1].isspace() or line.startswith(TRACE_CONTINUATIONS):
                pass  # a stack trace's frames and causes keep their record's level
            elif EXCEPTION_HEADER.match(line):
                # the exception of the log record above, or one printed on its own (an error)
                level = level if in_record else logging.ERROR
            else:
                level, in_record = logging.INFO, False  # a line of its own (spark-submit's)
            self.log.log(level, line)

    def submit(self, application: str = "", **kwargs) -> None:
        self.job_error = None
        try:
            super().submit(application, **kwargs)
        except AirflowException as e:
            code = re.search(r"Error code is: (\d+)", str(e))
            meaning = EXIT_CODE_MEANING.get(code.group(1), "") if code else ""
            # exit 2 (bad input/config) and 3 (quality gate) repeat on a retry, whose inputs are
            # pinned to the same versions: fail at once and alert, rather than wait minutes of
            # backoff for the same answer; exit 1 (a server down, a lost executor) is retried
            final = code is not None and code.group(1) in ("2", "3")
            fail = AirflowFailException if final else AirflowException
            raise fail(
                f"{self.job_error or 'the job printed no error line (see the task log)'}"
                f" | exit {code.group(1) if code else '?'}{' = ' + meaning if meaning else ''}"
                f" | {e}"
            ) from None


class StageSubmitOperator(SparkSubmitOperator):
    """SparkSubmitOperator running :class:`StageSubmitHook`."""

    def _get_hook(self) -> SparkSubmitHook:
        hook = super()._get_hook()
        # The provider builds its hook from thirty arguments in _get_hook; StageSubmitHook only
        # adds behaviour (no state of its own before submit), so the built hook is re-classed
        # rather than rebuilt from a copy of that argument list.
        hook.__class__ = StageSubmitHook
        return hook


def spark_job(task_id: str, job: str, application_args: list[str], **kwargs) -> SparkSubmitOperator:
    """``spark-submit`` of dist/altaviz-<job>.jar: the way scripts/spark-submit.sh runs it."""
    return StageSubmitOperator(
        task_id=task_id,
        conn_id=SPARK_CONN_ID,
        application=jar(job),
        name=f"altaviz-{job}",
        application_args=application_args,
        conf=spark_conf(job),
        jars=EXTRA_JARS,
        driver_memory=DRIVER_MEMORY,
        **kwargs,
    )
