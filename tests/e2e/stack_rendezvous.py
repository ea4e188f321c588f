"""A Lambda handler for the gateway's concurrency test: each invocation leaves a mark in the
event's folder and waits for ``expected`` marks. Invocations served at the same moment all
meet; served one at a time, the first waits alone until its ``patience`` runs out."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path


def handler(event, context):
    body = json.loads(event["body"])
    folder = Path(body["folder"])
    (folder / f"{os.getpid()}-{uuid.uuid4().hex}").touch()
    deadline = time.monotonic() + body["patience"]
    while len(list(folder.iterdir())) < body["expected"] and time.monotonic() < deadline:
        time.sleep(0.02)
    met = len(list(folder.iterdir())) >= body["expected"]
    return {"statusCode": 200, "body": json.dumps({"met": met, "pid": os.getpid()})}
