#!/usr/bin/env python3
"""Runs the medallion pipeline for one given UTC day through Airflow's REST API.

    scripts/airflow_run_day.py 2024-02-03 [start_from=silver] [skip_export=true]
    make airflow-run-day DAY=2024-02-03 [CONF='start_from=silver skip_export=true']

The run gets the day as its explicit data interval, [D 00:00, D+1 00:00) UTC, so it processes D
(a trigger without one processes the day before its logical date), and a run id that names the
day, ``day__<D>__<trigger time>``. Its logical date is the trigger time, not D: the logical date
of a DAG's runs is unique, and D belongs to the scheduled or backfill run of D, which must stay
possible. Prints the run id and the run's address in the UI.

Where: AIRFLOW_API_URL (default http://127.0.0.1:$AIRFLOW_PORT, port 8080), user
AIRFLOW_API_USER (default admin), password AIRFLOW_API_PASSWORD or else the one
airflow/standalone.sh's Airflow generated (.airflow/simple_auth_manager_passwords.json.generated).
Standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

DAG_ID = "altaviz_medallion"
ROOT = Path(__file__).resolve().parents[1]
PASSWORDS = ROOT / ".airflow" / "simple_auth_manager_passwords.json.generated"
PARAMS = {"start_from": str, "skip_export": lambda v: v.lower() in ("1", "true", "yes")}


def run_request(day: date, conf: dict, now: datetime) -> dict:
    """The body of ``POST /api/v2/dags/altaviz_medallion/dagRuns`` for a run of ``day``."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return {
        "dag_run_id": f"day__{day.isoformat()}__{now.strftime('%Y%m%dT%H%M%S')}",
        "logical_date": now.isoformat(),
        "data_interval_start": start.isoformat(),
        "data_interval_end": (start + timedelta(days=1)).isoformat(),
        "conf": conf,
        "note": f"UTC day {day.isoformat()}: data interval [{start.isoformat()}, "
        f"{(start + timedelta(days=1)).isoformat()}), scripts/airflow_run_day.py",
    }


def parse_conf(words: list[str]) -> dict:
    conf = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in PARAMS:
            raise ValueError(f"expected start_from=<stage> or skip_export=true|false, got {word!r}")
        conf[key] = PARAMS[key](value)
    return conf


def _call(method: str, url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        raise SystemExit(
            f"airflow_run_day: {method} {url}: HTTP {e.code}: "
            f"{e.read().decode(errors='replace')[:500]}"
        ) from None
    except urllib.error.URLError as e:
        raise SystemExit(
            f"airflow_run_day: {url}: {e.reason} (is Airflow running? make airflow)"
        ) from None


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    try:
        day = date.fromisoformat(argv[0])
        conf = parse_conf(argv[1:])
    except ValueError as e:
        print(f"airflow_run_day: {e}", file=sys.stderr)
        return 2
    base = os.environ.get(
        "AIRFLOW_API_URL", f"http://127.0.0.1:{os.environ.get('AIRFLOW_PORT', '8080')}"
    ).rstrip("/")
    user = os.environ.get("AIRFLOW_API_USER", "admin")
    password = os.environ.get("AIRFLOW_API_PASSWORD")
    if password is None:
        if not PASSWORDS.exists():
            print(f"airflow_run_day: set AIRFLOW_API_PASSWORD (no {PASSWORDS})", file=sys.stderr)
            return 2
        password = json.loads(PASSWORDS.read_text())[user]
    token = _call("POST", f"{base}/auth/token", {"username": user, "password": password})
    run = _call(
        "POST",
        f"{base}/api/v2/dags/{DAG_ID}/dagRuns",
        run_request(day, conf, datetime.now(UTC)),
        token["access_token"],
    )
    print(run["dag_run_id"])
    print(f"{base}/dags/{DAG_ID}/runs/{urllib.request.quote(run['dag_run_id'])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
