"""End-to-end fixtures: the local stack (``make run``), started once per test session.

``local_stack`` runs ``python -m local.run --port 0 --state-dir <tmp>`` (``LocalStack(port=0,
state_dir=<tmp>)`` behind the command line) and yields its ``stack.json`` as a dict. It runs
in its own process, as ``make run`` does: the other test folders mock AWS in this process
(``moto.mock_aws`` resets every moto backend of the process), which must not reach the
stack's moto. Teardown stops it with SIGTERM and checks that it stopped cleanly: exit code 0
(the runner exits 1 when a thread of the stack is still alive), port freed, ``stack.json``
removed.

Extra keys beside those of ``stack.json``: ``startup_wall_seconds`` (from spawning the
process to ``stack.json``, measured here) and ``state_dir``. Clients of the running stack
are in ``stack_client.py``; fixtures other than ``local_stack`` live with their tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stack_support import ROOT, SPAWN_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS, port_is_free


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("local-stack")
    stack_file = state_dir / "stack.json"
    log_path = state_dir / "run.log"
    # The stack sets its own AWS settings; nothing of this session's (fake) ones leaks in.
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    started = time.monotonic()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.run", "--port", "0", "--state-dir", str(state_dir), "--quiet"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while not stack_file.exists():
            if process.poll() is not None:
                pytest.fail(f"the local stack exited with {process.returncode}:\n{_tail(log_path)}")
            if time.monotonic() - started > SPAWN_TIMEOUT_SECONDS:
                pytest.fail(f"the local stack was not ready within {SPAWN_TIMEOUT_SECONDS:.0f} s:\n"
                            f"{_tail(log_path)}")
            time.sleep(0.05)
        info = json.loads(stack_file.read_text(encoding="utf-8"))
        info["startup_wall_seconds"] = round(time.monotonic() - started, 2)
        info["state_dir"] = str(state_dir)
        yield info
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"the local stack did not stop within {STOP_TIMEOUT_SECONDS:.0f} s:\n{_tail(log_path)}")
    assert code == 0, f"the local stack did not stop cleanly (exit {code}):\n{_tail(log_path)}"
    host, port = info["api_url"].removeprefix("http://").split(":")
    assert port_is_free(host, int(port)), f"port {port} is still taken after the stack stopped"
    assert not stack_file.exists(), "stack.json outlived the stack"
