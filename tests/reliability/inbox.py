"""The request loop of the long-lived test drivers (support.SparkDriver): each
<inbox>/<n>.request (JSON) gets <n>.answer, the handler's result or the error's trace;
<inbox>/stop ends the loop. Requests come as files, not on stdin: spark-submit starts a driver
with a stdin of its own that nobody writes to."""

import json
import time
import traceback
from pathlib import Path


def serve(inbox: str, handle) -> None:
    box = Path(inbox)
    while not (box / "stop").exists():
        requests = sorted(box.glob("*.request"))
        if not requests:
            time.sleep(0.05)
            continue
        for req in requests:
            try:
                answer = handle(json.loads(req.read_text()))
            except Exception:  # reported to the test, which fails with it; serve on
                answer = {"error": traceback.format_exc()}
            tmp = req.with_suffix(".tmp")
            tmp.write_text(json.dumps(answer))
            tmp.rename(req.with_suffix(".answer"))
            req.unlink()
