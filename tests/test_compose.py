"""Static checks of docker-compose.yml and airflow/Dockerfile. No container engine is available
where the tests run, so the stack is never started here: these tests parse the files and check
what would break it (services, images, healthchecks, mounts, connections, secrets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}
SPARK_SERVICES = ("spark-master", "spark-worker")
LONG_RUNNING = ("postgres", *AIRFLOW_SERVICES, *SPARK_SERVICES)
S3_SERVICES = ("s3", "s3-init")  # profile s3: the lake on object storage


def default(value: str) -> str:
    """The default of a ${VAR:-default} setting (what the stack uses when .env sets none)."""
    m = re.fullmatch(r"\$\{[A-Z_0-9]+:-([^}]*)\}", value)
    return m.group(1) if m else value


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # resolves anchors/merges


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def pin(requirement: str) -> str:
    text = (ROOT / "airflow" / "requirements.txt").read_text()
    return re.search(rf"^{re.escape(requirement)}==(\S+)$", text, re.M).group(1)


def mounts(service: dict) -> dict[str, str]:
    """container path -> source (host path or volume name)."""
    out = {}
    for v in service.get("volumes", []):
        source, target = v.split(":")[:2]
        out[target] = source
    return out


def test_the_stack_has_its_services(services):
    assert set(services) == {
        "postgres",
        "airflow-init",
        *AIRFLOW_SERVICES,
        *SPARK_SERVICES,
        *S3_SERVICES,
    }
    for name, command in AIRFLOW_SERVICES.items():
        assert services[name]["command"] == command


def test_airflow_runs_our_image_built_from_the_pinned_dockerfile(services):
    dockerfile = (ROOT / "airflow" / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)$", dockerfile, re.M).group(1)
    assert base == f"apache/airflow:{pin('apache-airflow')}-python3.11"
    assert "openjdk-17-jre-headless" in dockerfile  # the Spark driver runs in the worker
    assert "-c /tmp/altaviz/constraints.txt" in dockerfile
    assert "COPY requirements.txt constraints.txt" in dockerfile
    for name in ["airflow-init", *AIRFLOW_SERVICES]:
        assert services[name]["build"] == {"context": "./airflow", "dockerfile": "Dockerfile"}
        assert services[name]["image"] == "altaviz/airflow:" + pin("apache-airflow")
        assert (ROOT / "airflow" / services[name]["build"]["dockerfile"]).exists()


def test_images_are_real_and_pinned(services):
    assert services["postgres"]["image"] == "postgres:16"
    for name in SPARK_SERVICES:
        # the official Apache Spark image, same Spark version as the driver's pyspark, Java 17
        # like the jars' bytecode
        assert services[name]["image"] == (
            f"apache/spark:{pin('pyspark')}-scala2.12-java17-python3-ubuntu"
        )


def test_every_long_running_service_has_a_healthcheck(services):
    for name in LONG_RUNNING:
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert check["retries"] >= 5 and check["interval"], name
    assert "/api/v2/version" in " ".join(services["airflow-apiserver"]["healthcheck"]["test"])
    assert "8974/health" in " ".join(services["airflow-scheduler"]["healthcheck"]["test"])
    assert (
        services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"]
        == "true"
    )


def test_airflow_waits_for_a_healthy_database_and_the_migration(services):
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["postgres"] == {"condition": "service_healthy"}
        assert deps["airflow-init"] == {"condition": "service_completed_successfully"}
    assert "airflow db migrate" in services["airflow-init"]["command"][-1]
    # the scheduler runs the Spark drivers: it needs the master up
    assert services["airflow-scheduler"]["depends_on"]["spark-master"] == {
        "condition": "service_healthy"
    }


def test_dags_jars_config_and_lake_are_mounted_where_the_dags_look(services):
    for name in AIRFLOW_SERVICES:
        env, m = services[name]["environment"], mounts(services[name])
        assert m[env["AIRFLOW__CORE__DAGS_FOLDER"]] == "./dags"
        assert m[env["ALTAVIZ_JAR_DIR"]] == "./dist"
        assert m[str(Path(env["ALTAVIZ_CONFIG"]).parent)] == "./config"
        assert (ROOT / "config" / Path(env["ALTAVIZ_CONFIG"]).name).exists()
        assert (ROOT / "config" / Path(env["ALTAVIZ_LOG4J"]).name).exists()
        assert m["/opt/altaviz/data"] == "altaviz-data"
        assert default(env["ALTAVIZ_LAKE"]).startswith("/opt/altaviz/data/")
        assert default(env["ALTAVIZ_RAW"]).startswith("/opt/altaviz/data/")
    # executors read and write the same lake paths as the driver
    for name in SPARK_SERVICES:
        assert mounts(services[name])["/opt/altaviz/data"] == "altaviz-data"
        assert services[name]["user"] == services["airflow-scheduler"]["user"]


def test_connections_point_at_the_compose_services(services):
    env = services["airflow-scheduler"]["environment"]
    spark = json.loads(env["AIRFLOW_CONN_SPARK_DEFAULT"])
    assert spark == {"conn_type": "spark", "host": "spark://spark-master:7077"}
    master = services["spark-master"]["command"]
    assert master[master.index("--host") + 1] == "spark-master"
    assert master[master.index("--port") + 1] == "7077"
    assert "spark://spark-master:7077" in services["spark-worker"]["command"]

    pg = json.loads(
        env["AIRFLOW_CONN_ALTAVIZ_POSTGRES"].replace(
            "${ALTAVIZ_PG_PASSWORD:?set ALTAVIZ_PG_PASSWORD in .env}", "secret"
        )
    )
    assert (pg["conn_type"], pg["host"], pg["port"], pg["schema"], pg["login"]) == (
        "postgres",
        "postgres",
        5432,
        "compressor_health",
        "altaviz",
    )
    init_sql = (ROOT / "airflow" / "compose" / "init-databases.sh").read_text()
    assert "CREATE DATABASE compressor_health OWNER altaviz" in init_sql
    assert mounts(services["postgres"])["/docker-entrypoint-initdb.d/10-altaviz.sh"] == (
        "./airflow/compose/init-databases.sh"
    )
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
        "http://airflow-apiserver:8080/execution/"
    )


def test_the_s3_profile_serves_s3_for_an_s3a_lake(services):
    for name in S3_SERVICES:
        assert services[name]["profiles"] == ["s3"]  # not started unless asked for
        assert services[name]["image"] == "motoserver/moto:" + pin("moto[server]")
    assert "create_bucket(Bucket='altaviz')" in " ".join(services["s3-init"]["entrypoint"])
    assert services["s3-init"]["depends_on"] == {"s3": {"condition": "service_healthy"}}
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        for var in (
            "ALTAVIZ_S3_ENDPOINT",
            "ALTAVIZ_S3_PATH_STYLE",
            "ALTAVIZ_S3_LOGSTORE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        ):
            assert env[var].startswith("${" + var + ":-"), var
    for name in SPARK_SERVICES:
        assert "AWS_SECRET_ACCESS_KEY" in services[name]["environment"]


def test_no_secret_is_committed(compose):
    """Every password/secret/key setting is a required variable from .env, never a literal."""
    text = (ROOT / "docker-compose.yml").read_text()
    secret_settings = re.findall(
        r"^\s*([A-Z_]*(?:PASSWORD|SECRET|FERNET_KEY|SECRET_KEY)[A-Z_]*): (.+)$", text, re.M
    )
    # the AWS secret key is optional (a profile or an instance role needs none): only passed on
    aws = [(k, v) for k, v in secret_settings if k == "AWS_SECRET_ACCESS_KEY"]
    assert aws and all(v.strip() == "${AWS_SECRET_ACCESS_KEY:-}" for _, v in aws)
    secret_settings = [(k, v) for k, v in secret_settings if k != "AWS_SECRET_ACCESS_KEY"]
    assert sorted(k for k, _ in secret_settings) == [
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__API__SECRET_KEY",
        "AIRFLOW__CORE__FERNET_KEY",
        "ALTAVIZ_PG_PASSWORD",
        "POSTGRES_PASSWORD",
    ]
    for key, value in secret_settings:
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", value.strip()), key
    # inside URLs/JSON too: only ${VAR:?...} references
    embedded = re.findall(r"//[^:/\s]+:(\$\{[^}]*\}|[^@\s]+)@", text) + re.findall(
        r'"password": "([^"]*)"', text
    )
    assert len(embedded) == 2
    for literal in embedded:
        assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", literal), literal
    example = (ROOT / "airflow" / "compose" / "env.example").read_text()
    for var in [
        "AIRFLOW_DB_PASSWORD",
        "ALTAVIZ_PG_PASSWORD",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_API_SECRET_KEY",
        "AIRFLOW_FERNET_KEY",
    ]:
        assert re.search(rf"^{var}=$", example, re.M), var
    assert ".env" in (ROOT / ".gitignore").read_text().split()
