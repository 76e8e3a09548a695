"""The shipped shaded jars (dist/altaviz-*.jar), checked as files and run through the real
spark-submit from .venv: main class, nothing of Spark bundled, Delta's data-source service entry
merged, Jackson relocated; --help, --version and a bad interval behave for every jar."""

from __future__ import annotations

import glob
import re
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import DIST, JOBS, ROOT, build_once, run_job

STAGES = [j for j in JOBS if j != "simulator"]  # jars with the shared stage options
BAD_INTERVAL = ("--start", "2024-02-03T00:00:00Z", "--end", "2024-02-02T00:00:00Z")
DELTA_SOURCE = "org.apache.spark.sql.delta.sources.DeltaDataSource"


def jar_path(job: str) -> Path:
    path = DIST / f"altaviz-{job}.jar"
    if not path.exists():
        pytest.fail(f"{path} not built; run 'make build'")
    return path


@cache
def entries(job: str) -> frozenset[str]:
    with zipfile.ZipFile(jar_path(job)) as z:
        return frozenset(z.namelist())


def read_entry(job: str, name: str) -> str:
    with zipfile.ZipFile(jar_path(job)) as z:
        return z.read(name).decode("utf-8")


def manifest(job: str) -> dict[str, str]:
    out = {}
    for line in read_entry(job, "META-INF/MANIFEST.MF").splitlines():
        if ": " in line:
            key, value = line.split(": ", 1)
            out[key] = value.strip()
    return out


@cache
def pom_versions() -> dict[str, str]:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(ROOT / "pom.xml").getroot()
    props = root.find("m:properties", ns)
    return {
        "project": root.find("m:version", ns).text,
        "spark": props.find("m:spark.version", ns).text,
        "delta": props.find("m:delta.version", ns).text,
    }


@cache
def spark_distribution_classes() -> frozenset[str]:
    """Every org/apache/spark class that spark-submit's own distribution (pyspark) provides."""
    home = glob.glob(str(ROOT / ".venv/lib/python3*/site-packages/pyspark/jars"))
    assert home, "no pyspark in .venv; run 'make setup'"
    names: set[str] = set()
    for jar in glob.glob(f"{home[0]}/*.jar"):
        with zipfile.ZipFile(jar) as z:
            names.update(
                n
                for n in z.namelist()
                if n.startswith("org/apache/spark/") and n.endswith(".class")
            )
    return frozenset(names)


# --- the jar files ---------------------------------------------------------------------------


@pytest.mark.parametrize("job", JOBS)
def test_manifest_main_class(job):
    assert manifest(job)["Main-Class"] == f"com.altaviz.etl.{job}.{job.capitalize()}Job"
    assert f"com/altaviz/etl/{job}/{job.capitalize()}Job.class" in entries(job)
    assert "com/altaviz/etl/common/JobLauncher.class" in entries(job)


@pytest.mark.parametrize("job", JOBS)
def test_no_spark_scala_or_hadoop_classes(job):
    """Spark, Scala and Hadoop come from spark-submit. The only org/apache/spark/ classes allowed
    are Delta's own (delta-spark implements itself in that package), so none may also exist in
    the Spark distribution."""
    names = entries(job)
    for core in (
        "org/apache/spark/SparkContext.class",
        "org/apache/spark/sql/Dataset.class",
        "org/apache/spark/sql/SparkSession.class",
    ):
        assert core not in names
    clashes = sorted(n for n in names if n in spark_distribution_classes())
    assert clashes == [], f"{len(clashes)} Spark classes bundled, e.g. {clashes[:5]}"
    assert not [n for n in names if n.startswith(("scala/", "org/apache/hadoop/"))]


@pytest.mark.parametrize("job", JOBS)
def test_delta_data_source_service_is_merged(job):
    services = read_entry(job, "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister")
    assert DELTA_SOURCE in services.split()
    assert DELTA_SOURCE.replace(".", "/") + ".class" in entries(job)
    assert "io/delta/sql/DeltaSparkSessionExtension.class" in entries(job)


@pytest.mark.parametrize("job", JOBS)
def test_jackson_and_friends_are_relocated(job):
    names = entries(job)
    assert not [n for n in names if n.startswith("com/fasterxml/jackson/")]
    assert "com/altaviz/shaded/jackson/databind/ObjectMapper.class" in names
    assert "com/altaviz/shaded/jackson/dataformat/yaml/YAMLFactory.class" in names
    assert not [n for n in names if n.startswith(("picocli/", "org/yaml/snakeyaml/"))]
    # Multi-release copies under META-INF/versions/ are only loaded from a Multi-Release jar;
    # ours is not one, so an unrelocated copy there can never shadow Spark's Jackson.
    assert manifest(job).get("Multi-Release", "false").lower() != "true"
    for service in (n for n in names if n.startswith("META-INF/services/") and not n.endswith("/")):
        assert "com.fasterxml.jackson" not in service
        assert "com.fasterxml.jackson" not in read_entry(job, service), service


# --- the jars through spark-submit -----------------------------------------------------------


@pytest.fixture(scope="module")
def cli(request):
    """Runs every CLI check once per test session, a few spark-submit JVMs at a time (each takes
    a few seconds); the tests on both xdist workers read the results. Keys are (job, check) and
    "scratch" (the directory the bad runs were pointed at); values have returncode, stdout,
    stderr."""

    def build(scratch: Path) -> dict:
        calls = {}
        for job in JOBS:
            calls[(job, "help")] = ("--help",)
            calls[(job, "version")] = ("--version",)
            if job == "simulator":
                calls[(job, "bad")] = ("--raw", scratch / "raw", "--days", "0")
            else:
                calls[(job, "bad")] = (
                    "--raw",
                    scratch / "raw",
                    "--lake",
                    scratch / "lake",
                    *BAD_INTERVAL,
                )
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {
                k: pool.submit(run_job, k[0], *args, check=False) for k, args in calls.items()
            }
            procs = {k: f.result() for k, f in futures.items()}
        return {
            "scratch": str(scratch),
            "runs": [
                [job, check, {"returncode": p.returncode, "stdout": p.stdout, "stderr": p.stderr}]
                for (job, check), p in procs.items()
            ],
        }

    built = build_once(request.config, "jar-cli", build)
    results = {(job, check): SimpleNamespace(**proc) for job, check, proc in built["runs"]}
    results["scratch"] = Path(built["scratch"])
    return results


@pytest.mark.parametrize("job", JOBS)
def test_help(cli, job):
    proc = cli[(job, "help")]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Usage: altaviz-{job} [-hV]")
    expected = (
        [
            "--raw=<raw>",
            "--config=<config>",
            "--compressors=<compressors>",
            "--days=<days>",
            "--start-date=<startDate>",
            "--seed=<seed>",
        ]
        if job == "simulator"
        else [
            "--config=<config>",
            "--raw=<raw>",
            "--lake=<lake>",
            "--start=<start>",
            "--end=<end>",
            "--date=<date>",
            "--run-id=<runId>",
            "--input-version=<inputVersion>",
        ]
    )
    for option in expected + ["--help", "--version"]:
        assert option in proc.stdout, option


@pytest.mark.parametrize("job", JOBS)
def test_version(cli, job):
    v = pom_versions()
    proc = cli[(job, "version")]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"altaviz-{job} {v['project']}\nbuilt for Spark {v['spark']}, Delta Lake {v['delta']}\n"
    )


def test_jars_are_built_for_the_spark_that_submits_them():
    import pyspark

    assert pyspark.__version__ == pom_versions()["spark"]


@pytest.mark.parametrize("job", STAGES)
def test_bad_interval_is_one_line_exit_2(cli, job):
    proc = cli[(job, "bad")]
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"altaviz-{job}: error: --start 2024-02-03T00:00:00Z must be before "
        "--end 2024-02-02T00:00:00Z"
    ]
    assert not (cli["scratch"] / "lake").exists()


def test_simulator_bad_value_is_one_line_exit_2(cli):
    proc = cli[("simulator", "bad")]
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "altaviz-simulator: error: --days must be at least 1 (got 0)"
    ]
    assert not re.search(r"Exception|\tat ", proc.stderr)
    assert not (cli["scratch"] / "raw").exists()
