"""What each function's module loads at import, with tracing on as in Lambda: the X-Ray SDK only
where the Tracer earns its place (the Expedia workers), pydantic only where a function validates
with it. The times themselves are a bench figure (bench/cold_imports.py), not a test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
WATCHED = ("aws_xray_sdk", "pydantic", "boto3", "pynamodb", "jwt", "babel", "cachetools")


def loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}; print(','.join(m for m in {WATCHED!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS), "AWS_LAMBDA_FUNCTION_NAME": "lobby-fn",
           "LAMBDA_TASK_ROOT": str(FUNCTIONS), "POWERTOOLS_TRACE_DISABLED": "false"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return set(filter(None, out.stdout.strip().split(",")))


@pytest.mark.parametrize("module, expected", [
    ("authorizer.handler", set()),
    ("wake_up.handler", set()),
    ("expedia_callback.handler", set()),  # boto3 and the secret on the first notification
    ("expedia_reconcile.handler", set()),  # the client (pydantic), SQS and the store on its first run
    ("api.handler", {"pydantic"}),  # Powertools validates every route's input with it
    # The Tracer's X-Ray SDK, which patches pynamodb (and botocore) at once: these two use both on every record.
    ("expedia_ingest.handler", {"aws_xray_sdk", "pynamodb"}),
    ("outbound_sender.handler", {"aws_xray_sdk", "pynamodb"}),
    # Real time: the store, the core and boto3's @connections client load on the first event.
    ("realtime_socket.handler", set()),
    ("realtime_fanout.handler", set()),
])
def test_each_function_loads_at_import_only_what_it_needs(module, expected):
    assert loaded_by(module) == expected
