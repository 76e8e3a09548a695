"""The quality report (docs/quality-and-features.md, Quality report) of a small real run through
the shaded jars: 4 compressors x 2 days with station STN-002 offline on day 2, bronze and silver
per day as the DAG runs them, day 2's completeness gate set to fail (exit 3). The page is opened
from file:// in a real headless browser (Debian's chromium driven by Playwright): no console
error, every chart drawn with the values of ops/quality_metrics, every link resolving. And the
same report on an s3a:// lake (moto's S3 on loopback)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, delta_table, run_job, run_stage
from reliability.support import free_port, reset_moto

SENSORS = [
    "vibration_mms",
    "discharge_temp_f",
    "suction_pressure_psi",
    "discharge_pressure_psi",
    "horsepower_consumption",
    "gas_flow_mcf",
]
CHARTS = {
    "silver-row-count",
    "fleet-completeness",
    *(f"missing-rate-{s}" for s in SENSORS),
    "ks-drift",
    "psi-drift",
}
DAYS = (("2024-02-01", "qr-day1"), ("2024-02-02", "qr-day2"))


def chromium() -> str:
    """Debian's chromium, installed with apt when missing (as .ci/run does); Playwright's own
    browser downloads are never used (no network for them)."""
    path = shutil.which("chromium")
    if path is None and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: apt-get install chromium (as root)")
    return path


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("quality-report")
    raw, lake = d / "raw", d / "lake"
    run_job(
        "simulator",
        "--raw",
        raw,
        "--compressors",
        "4",
        "--days",
        "2",
        "--incident",
        "station-offline:STN-002@2024-02-02",
    )
    # day 2 with completeness as a failing check: its gate fails (station offline)
    config = (ROOT / "config" / "etl_config.yaml").read_text()
    lenient = "min: 0.95,\n                 action: warn}"
    assert lenient in config, "config/etl_config.yaml's completeness check changed"
    strict = d / "strict.yaml"
    strict.write_text(config.replace(lenient, lenient.replace("warn", "fail")))
    logs = {}
    for day, run_id in DAYS:
        run_stage("bronze", "--raw", raw, "--lake", lake, "--date", day, "--run-id", run_id)
        proc = run_stage(
            "silver",
            *(("--config", strict) if day.endswith("2") else ()),
            "--raw",
            raw,
            "--lake",
            lake,
            "--date",
            day,
            "--run-id",
            run_id,
            check=False,
        )
        logs[run_id] = (proc.returncode, proc.stdout + proc.stderr)
    return {"lake": lake, "raw": raw, "logs": logs}


def metrics(lake: Path):
    return delta_table(lake / "ops/quality_metrics").to_pandas()


def page(lake: Path, run_id: str) -> Path:
    return lake / "reports" / run_id / "index.html"


def test_silver_writes_the_report_also_when_its_gate_fails(lake):
    code1, log1 = lake["logs"]["qr-day1"]
    code2, log2 = lake["logs"]["qr-day2"]
    assert code1 == 0, log1[-3000:]
    assert code2 == 3, log2[-3000:]  # station offline: completeness below 0.95, action fail
    for run_id, log in (("qr-day1", log1), ("qr-day2", log2)):
        assert f"Quality report: {page(lake['lake'], run_id)}" in log
    # the newest interval is latest, a copy (the same depth, so its relative links work)
    assert (lake["lake"] / "reports/latest/index.html").read_bytes() == page(
        lake["lake"], "qr-day2"
    ).read_bytes()


def test_the_report_opens_in_a_real_browser_with_every_chart_and_link(lake, tmp_path):
    root = lake["lake"]
    m = metrics(root)
    fleet = m[m["column_name"] == "*"].set_index(["run_id", "metric"])["value"]
    url = page(root, "qr-day2").as_uri()
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            tab.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
            tab.goto(url)
            tab.screenshot(path=str(tmp_path / "report.png"), full_page=True)

            assert tab.locator("#run-id").inner_text() == "qr-day2"
            assert tab.locator("#interval").inner_text() == (
                "[2024-02-02T00:00:00Z, 2024-02-03T00:00:00Z)"
            )
            assert tab.locator("#status").inner_text() == "fail"
            ids = tab.eval_on_selector_all("svg[data-chart]", "e => e.map(s => s.dataset.chart)")
            assert sorted(ids) == sorted(CHARTS)
            for svg in tab.locator("svg[data-chart]").all():
                box = svg.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 100, svg.get_attribute(
                    "data-chart"
                )

            # the failed gate leads the table; every row of the run is there
            first = tab.locator("tr.result").first
            assert first.get_attribute("data-status") == "fail"
            assert first.get_attribute("data-check") == "completeness"
            assert tab.locator("tr.result").count() == int((m["run_id"] == "qr-day2").sum())
            compressor4 = tab.locator("tr.result", has_text="COMP-004")
            assert compressor4.locator("td.num").first.inner_text() == "0"

            # history by interval: day 1 then day 2, the values of ops/quality_metrics
            def points(chart: str) -> list[tuple[str, float]]:
                return tab.eval_on_selector_all(
                    f"svg[data-chart='{chart}'] circle.point",
                    "e => e.map(c => [c.dataset.interval, Number(c.dataset.value)])",
                )

            # the row-count anomaly check's value: the interval's rows, which its band judges
            # (silver_rows also counts the lookback's rewritten rows)
            assert points("silver-row-count") == [
                ["2024-02-01", fleet[("qr-day1", "silver_row_count_anomaly")]],
                ["2024-02-02", fleet[("qr-day2", "silver_row_count_anomaly")]],
            ]
            assert (
                fleet[("qr-day2", "silver_row_count_anomaly")] < fleet[("qr-day2", "silver_rows")]
            )
            assert points("fleet-completeness") == [
                ["2024-02-01", fleet[("qr-day1", "completeness")]],
                ["2024-02-02", fleet[("qr-day2", "completeness")]],
            ]
            assert fleet[("qr-day2", "completeness")] < 0.76  # COMP-004 sent nothing
            bands = tab.eval_on_selector_all(
                "svg[data-chart='fleet-completeness'] rect.band",
                "e => e.map(r => [r.dataset.lower, r.dataset.upper])",
            )
            assert bands == [["0.95", ""], ["0.95", ""]]
            for s in SENSORS:
                rates = m[(m["metric"] == "missing_rate") & (m["column_name"] == s)]
                want = [[d, rates[rates["run_id"] == r]["value"].item()] for d, r in DAYS]
                assert points(f"missing-rate-{s}") == want, s

            # links: each resolves to a file; the previous day's page opens cleanly
            hrefs = tab.eval_on_selector_all("a[href]", "e => e.map(a => a.href)")
            assert hrefs, "no links"
            for h in hrefs:
                assert Path(unquote(urlparse(h).path)).is_file(), h
            tab.click("a#previous")
            tab.wait_for_load_state()
            assert tab.url == page(root, "qr-day1").as_uri()
            assert tab.locator("#run-id").inner_text() == "qr-day1"
            assert tab.locator("svg[data-chart]").count() == len(CHARTS)
            # written before day 2 existed, relinked when day 2's report was written
            assert tab.get_attribute("a#next", "href") == "../qr-day2/index.html"
            tab.click("a#next")
            tab.wait_for_load_state()
            assert tab.url == url
        finally:
            browser.close()
    assert errors == []


def test_an_s3a_lake_gets_its_report_through_hadoops_file_system(lake):
    """On object storage the page is one PUT through Hadoop's s3a file system (moto's S3 on
    loopback, the cluster jars of dist/ext/ as in tests/test_s3.py)."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port(45700 + os.getpid() % 200)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        reset_moto(endpoint)  # this process's moto backend may hold test_s3's bucket
        creds = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret"}
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket="altaviz")
        env = {
            **creds,
            "ALTAVIZ_S3_ENDPOINT": endpoint,
            "ALTAVIZ_S3_PATH_STYLE": "true",
            "ALTAVIZ_S3_REGION": "us-east-1",
        }
        args = ("--raw", lake["raw"], "--lake", "s3a://altaviz/lake", "--date", "2024-02-01")
        run_job("bronze", *args, "--run-id", "s3-day1", env=env)
        proc = run_job("silver", *args, "--run-id", "s3-day1", env=env)
        log = proc.stdout + proc.stderr
        assert "Quality report: s3a://altaviz/lake/reports/s3-day1/index.html" in log
        assert "Quality report not written" not in log
        listed = s3.list_objects_v2(Bucket="altaviz", Prefix="lake/reports/")["Contents"]
        assert sorted(o["Key"] for o in listed) == [
            "lake/reports/latest/index.html",
            "lake/reports/s3-day1/index.html",
        ]
        body = s3.get_object(Bucket="altaviz", Key="lake/reports/s3-day1/index.html")["Body"]
        html = body.read().decode()
        assert '<dd id="run-id">s3-day1</dd>' in html
        assert html.count("<svg ") == len(CHARTS)
    finally:
        server.stop()
