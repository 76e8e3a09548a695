"""scripts/pg.sh as `make demo`/`make test` use it: a local throwaway PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_started_server_holds_none_of_its_callers_descriptors():
    """A caller's pipe reaches end-of-file when pg.sh exits, although the server it started
    keeps running: the server did not inherit the pipe (nor a lock the caller holds)."""
    # a checkout of its own (pg.sh keeps its cluster in <checkout>/.pg), where the 'postgres'
    # user that pg.sh runs the server as can reach it (pytest's tmp_path is root's alone)
    root = Path(tempfile.mkdtemp(prefix="altaviz-pg-script-"))
    (root / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "pg.sh", root / "scripts" / "pg.sh")
    if os.getuid() == 0:
        shutil.chown(root, "postgres")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALTAVIZ_PG_")}
    env["ALTAVIZ_PG_LOCAL_PORT"] = str(_free_port())
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [str(root / "scripts" / "pg.sh"), "start"],
            env=env,
            pass_fds=(write_end,),
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(write_end)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "PostgreSQL ready at postgresql://postgres@127.0.0.1:" in err
        os.set_blocking(read_end, False)
        # EOF (b"") only once no process holds the write end; BlockingIOError while one does
        assert os.read(read_end, 1) == b""
    finally:
        os.close(read_end)
        subprocess.run([str(root / "scripts" / "pg.sh"), "stop"], env=env, timeout=120)
        shutil.rmtree(root)
