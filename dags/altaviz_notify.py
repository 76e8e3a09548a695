"""Operator notifications of the Altaviz DAGs: failed tasks and missed deadlines.

Channel: a JSON POST to the webhook in env ``ALTAVIZ_ALERT_WEBHOOK`` when it is set; otherwise
(and also when the webhook cannot be reached, so no alert is lost) a row in the PostgreSQL table
``pipeline_notifications`` that the fleet dashboard shows, written through the Airflow connection
``altaviz_postgres``. Every notification is also logged as one ERROR line.

Importing this module does nothing: the environment, the connection and the database are only
touched when a callback runs: parsing the DAG files must need no settings and look up no
connection (tests/test_dags.py checks it). It lives next to the DAG files (listed in
``.airflowignore``, so it is not parsed as a DAG) because Airflow puts the DAG bundle on
``sys.path`` for tasks and for executor-run deadline callbacks.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.request
from dataclasses import asdict, dataclass

log = logging.getLogger("altaviz.notify")

POSTGRES_CONN_ID = "altaviz_postgres"
WEBHOOK_ENV = "ALTAVIZ_ALERT_WEBHOOK"
WEBHOOK_TIMEOUT_SECONDS = 10
TASK_FAILURE = "task_failure"
DEADLINE_MISSED = "deadline_missed"

# The definition of sql/V1__baseline.sql (the export's migration), created here too when
# missing so that an alert about a run that failed before any export has somewhere to go.
CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS pipeline_notifications (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dag_id     text        NOT NULL,
  run_id     text,
  task_id    text,
  kind       text        NOT NULL,
  message    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)"""

INSERT = """
INSERT INTO pipeline_notifications (dag_id, run_id, task_id, kind, message)
VALUES (%s, %s, %s, %s, %s)"""

# What the stage jars' exit codes mean (README.md), so the alert says what to do.
EXIT_CODE_MEANING = {
    "1": "unexpected failure (bug, unreachable server, killed executor): check the task log",
    "2": "bad input, usage or configuration error: fix the named file/option, then clear the task",
    "3": "data-quality gate failed: see ops/quality_metrics and silver/quarantine",
}


@dataclass(frozen=True)
class Notification:
    """One alert for an operator."""

    dag_id: str
    run_id: str | None
    task_id: str | None
    kind: str
    message: str


def notify(note: Notification) -> str:
    """Delivers ``note``; returns the channel that took it: ``webhook`` or ``postgres``
    (``log`` when even PostgreSQL failed: the ERROR line is then the only trace)."""
    log.error(
        "ALTAVIZ ALERT kind=%s dag_id=%s run_id=%s task_id=%s: %s",
        note.kind,
        note.dag_id,
        note.run_id,
        note.task_id,
        note.message,
    )
    url = os.environ.get(WEBHOOK_ENV, "").strip()
    if url:
        try:
            _post(url, asdict(note))
            return "webhook"
        except Exception as e:  # any delivery problem: fall back, never lose the alert
            log.error("webhook %s failed (%s); recording the alert in PostgreSQL instead", url, e)
    try:
        _insert(note)
        return "postgres"
    except Exception:
        log.exception("could not record the alert in PostgreSQL (%s)", POSTGRES_CONN_ID)
        return "log"


def _post(url: str, payload: dict) -> None:
    body = json.dumps(payload).encode()
    req = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=WEBHOOK_TIMEOUT_SECONDS) as resp:
        if resp.status >= 300:  # urlopen raises for 4xx/5xx; a 3xx left unfollowed is no delivery
            raise OSError(f"HTTP {resp.status}")


def _insert(note: Notification) -> None:
    # Imported here: the provider (and the connection lookup) belong to run time only.
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    hook = PostgresHook(postgres_conn_id=POSTGRES_CONN_ID)
    hook.run(CREATE_TABLE)
    hook.run(INSERT, parameters=(note.dag_id, note.run_id, note.task_id, note.kind, note.message))


def failure_message(
    task_id: str, try_number: int | None, error: BaseException | None, log_url: str | None = None
) -> str:
    """One readable paragraph: what failed, after how many attempts, the job's own error line
    and the exit code's meaning (both put first by dags/altaviz_jobs.py's StageSubmitHook), the
    spark-submit command, the log's address."""
    text = " ".join(str(error).split()) if error is not None else "no exception recorded"
    parts = [f"task {task_id} failed after {try_number or 1} attempt(s): {text[:1500]}"]
    code = re.search(r"Error code is: (\d+)", text)
    if code and code.group(1) in EXIT_CODE_MEANING and f"exit {code.group(1)} = " not in text:
        parts.append(f"exit {code.group(1)} = {EXIT_CODE_MEANING[code.group(1)]}")
    if log_url:
        parts.append(f"log: {log_url}")
    return " | ".join(parts)


def on_task_failure(context) -> None:
    """Task ``on_failure_callback``: runs once the task has failed for good (retries spent)."""
    ti = context["ti"]
    notify(
        Notification(
            dag_id=ti.dag_id,
            run_id=ti.run_id,
            task_id=ti.task_id,
            kind=TASK_FAILURE,
            message=failure_message(
                ti.task_id, ti.try_number, context.get("exception"), getattr(ti, "log_url", None)
            ),
        )
    )


def on_deadline_missed(context, **_kwargs) -> None:
    """Deadline Alert callback (``SyncCallback``, run by the executor). Airflow passes a small
    context: ``dag_run`` (the REST API's DAG run fields) and ``deadline`` (id, deadline_time)."""
    run = context.get("dag_run") or {}
    deadline = context.get("deadline") or {}
    notify(
        Notification(
            dag_id=run.get("dag_id", "?"),
            run_id=run.get("dag_run_id"),
            task_id=None,
            kind=DEADLINE_MISSED,
            message=(
                f"run {run.get('dag_run_id')} (data interval {run.get('data_interval_start')} to "
                f"{run.get('data_interval_end')}, queued {run.get('queued_at')}) was not finished "
                f"by its deadline {deadline.get('deadline_time')}; state: {run.get('state')}"
            ),
        )
    )
