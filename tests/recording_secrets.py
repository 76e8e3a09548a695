"""A secrets backend for the DAG tests (configured by airflow_harness): Airflow asks it first
for every connection and variable; it records the request and answers none, so the next
backend (environment variables, then the metadata DB) answers as usual. A test can thus prove
that parsing the DAG files looks nothing up."""

from __future__ import annotations

from airflow.secrets.base_secrets import BaseSecretsBackend

LOOKUPS: list[tuple[str, str]] = []


class RecordingSecretsBackend(BaseSecretsBackend):
    def get_conn_value(self, conn_id: str, team_name: str | None = None) -> str | None:
        LOOKUPS.append(("connection", conn_id))
        return None

    def get_variable(self, key: str, team_name: str | None = None) -> str | None:
        LOOKUPS.append(("variable", key))
        return None
