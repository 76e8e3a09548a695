"""Synthetic gold/sensor_features at fleet scale, for timing the export on its own.

    .venv/bin/python jobs/export/bench/synthetic_gold.py LAKE [--compressors 4500] [--days 7]

Writes LAKE/gold/sensor_features (every contract column, partitioned by date) and the three
bronze dimension tables with delta-rs. Readings every 10 minutes from 2024-02-01; per-compressor
baselines with 3% noise; 1% of the compressors degrade from day 3 through warning into critical
vibration and temperature. Deterministic (fixed seed). Not the simulator: gold features other
than the sensors are left null, the export does not read them.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from deltalake import write_deltalake

START = np.datetime64("2024-02-01T00:00:00", "us")


def gold(compressors: int, days: int, rng: np.random.Generator) -> pa.Table:
    per = days * 144
    ids = np.repeat(np.arange(1, compressors + 1), per)
    slot = np.tile(np.arange(per), compressors)
    ts = START + slot.astype("timedelta64[m]") * 10
    n = ids.size

    def baseline(lo: float, hi: float) -> np.ndarray:
        return rng.uniform(lo, hi, compressors)[ids - 1]

    def noisy(base: np.ndarray) -> np.ndarray:
        return base * (1 + 0.03 * rng.standard_normal(n))

    vib = noisy(baseline(1.5, 4.5))
    temp = noisy(baseline(180, 220))
    # 1% of the fleet degrades from day 3: +6 mm/s and +60 F by the end
    failing = (ids % 100) == 7
    ramp = np.clip((slot - 2 * 144) / max(per - 2 * 144, 1), 0, 1) * failing
    vib += 6.0 * ramp
    temp += 60.0 * ramp
    cols = {
        "compressor_id": pa.array(np.char.add("COMP-", np.char.zfill(ids.astype(str), 3))),
        "timestamp": pa.array(ts, pa.timestamp("us", tz="UTC")),
        "vibration_mms": vib,
        "discharge_temp_f": temp,
        "suction_pressure_psi": noisy(baseline(40, 80)),
        "discharge_pressure_psi": noisy(baseline(900, 1200)),
        "horsepower_consumption": noisy(baseline(1200, 1600)),
        "gas_flow_mcf": noisy(baseline(8000, 12000)),
        "operating_hours": 1000.0 + slot / 6.0,
        "model": pa.array(["Ajax DPC-360"] * n),
        "station_id": pa.array(np.char.add("STN-", np.char.zfill((ids % 20).astype(str), 2))),
        "rated_horsepower": np.full(n, 1600.0),
    }
    for f in (
        "vibration_1hr_mean",
        "vibration_1hr_std",
        "vibration_1hr_max",
        "temp_1hr_mean",
        "temp_1hr_std",
        "pressure_1hr_mean",
        "vibration_4hr_mean",
        "temp_4hr_mean",
        "pressure_4hr_mean",
        "vibration_24hr_mean",
        "temp_24hr_mean",
        "pressure_24hr_mean",
    ):
        cols[f] = pa.nulls(n, pa.float64())
    cols["readings_1hr"] = np.full(n, 6, dtype=np.int64)
    cols["readings_24hr"] = np.full(n, 144, dtype=np.int64)
    for f in (
        "temp_1hr_delta",
        "pressure_differential",
        "hp_utilization",
        "days_since_maintenance",
    ):
        cols[f] = pa.nulls(n, pa.float64())
    for f in ("vibration_status", "temp_status", "pressure_status", "overall_status"):
        cols[f] = pa.array(["normal"] * n)
    hours = (slot // 6) % 24
    dates = (START + slot.astype("timedelta64[m]") * 10).astype("datetime64[D]")
    dow = ((dates.astype(np.int64) + 3) % 7) + 1  # 1970-01-01 was a Thursday (ISO 4)
    cols["hour_of_day"] = hours.astype(np.int32)
    cols["day_of_week"] = dow.astype(np.int32)
    cols["is_weekend"] = dow >= 6
    cols["date"] = pa.array(dates, pa.date32())
    cols["_run_id"] = pa.array(["synthetic"] * n)
    return pa.table(cols)


def dimensions(lake: str, compressors: int) -> None:
    now = pa.array([datetime(2024, 2, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))

    def lineage(k: int) -> dict:
        return {
            "_ingested_at": pa.array(
                np.repeat(now.to_numpy(False), k), pa.timestamp("us", tz="UTC")
            ),
            "_source_file": pa.array(["raw/synthetic.csv"] * k),
            "_run_id": pa.array(["synthetic"] * k),
        }

    ids = [f"COMP-{i:03d}" for i in range(1, compressors + 1)]
    stations = [f"STN-{i:02d}" for i in range(20)]
    write_deltalake(
        f"{lake}/bronze/stations",
        pa.table(
            {
                "station_id": stations,
                "station_name": [f"Station {s}" for s in stations],
                "latitude": [31.0] * 20,
                "longitude": [-102.0] * 20,
                "region": ["Permian"] * 20,
                "state": ["TX"] * 20,
                **lineage(20),
            }
        ),
        mode="overwrite",
    )
    write_deltalake(
        f"{lake}/bronze/compressor_metadata",
        pa.table(
            {
                "compressor_id": ids,
                "model": ["Ajax DPC-360"] * compressors,
                "horsepower": [1600.0] * compressors,
                "install_date": pa.array([datetime(2020, 1, 1).date()] * compressors, pa.date32()),
                "station_id": [f"STN-{i % 20:02d}" for i in range(1, compressors + 1)],
                **lineage(compressors),
            }
        ),
        mode="overwrite",
    )
    write_deltalake(
        f"{lake}/bronze/maintenance_logs",
        pa.table(
            {
                "maintenance_id": ["MX-1"],
                "compressor_id": ["COMP-007"],
                "maintenance_type": ["inspection"],
                "description": ["synthetic"],
                "performed_at": now,
                "cost_usd": [100.0],
                "performed_by": ["crew"],
                "notes": pa.array([None], pa.string()),
                **lineage(1),
            }
        ),
        mode="overwrite",
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("lake")
    p.add_argument("--compressors", type=int, default=4500)
    p.add_argument("--days", type=int, default=7)
    a = p.parse_args()
    t0 = time.monotonic()
    table = gold(a.compressors, a.days, np.random.default_rng(42))
    write_deltalake(
        f"{a.lake}/gold/sensor_features", table, partition_by=["date"], mode="overwrite"
    )
    dimensions(a.lake, a.compressors)
    print(f"{table.num_rows:,} gold rows written to {a.lake} in {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    main()
