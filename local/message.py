"""``python -m local.message``: a traveler writes to the running local stack through Expedia
(``make expedia-message TEXT="..." [THREAD=...]``).

    python -m local.message --text "..." [--thread thr-...] [--state-dir .local]
                            [--first-name F --last-name L] [--wait 10]

Reads ``{state_dir}/stack.json`` for the stand-in's simulator and the demo hotel's Expedia
property, sends the message with ``python -m local.expedia send`` (the stand-in then calls
Lobby's callback, as Expedia would), and shows what became of the conversation (read with
the demo partner key). Without ``--thread`` each message opens a new thread.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import secrets
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import requests

import local  # noqa: F401  (puts functions/ on sys.path)


def _load_stack(state_dir: str) -> dict | None:
    path = Path(state_dir) / "stack.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _send(info: dict, args, thread: str) -> dict | None:
    from local.expedia.__main__ import main as expedia

    check_in = date.today() + timedelta(days=7)
    argv = ["send", "--sim-url", info["expedia_sim_url"], "--thread", thread,
            "--property", info["demo"]["expedia_property_id"], "--text", args.text,
            "--first-name", args.first_name, "--last-name", args.last_name,
            "--check-in", check_in.isoformat(), "--check-out", (check_in + timedelta(days=2)).isoformat(),
            "--supplier-id", f"LUM-{thread}"]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = expedia(argv)
    if status != 0:
        return None
    return json.loads(output.getvalue())


def _follow(info: dict, thread: str, message_id: str, wait: float) -> None:
    """Prints the conversation once Lobby has taken the message (and the bot has had its say)."""
    from inbox.inbound import conversation_id_for

    demo = info["demo"]
    hotel = demo["hotel_id"]
    conversation = conversation_id_for(hotel, "expedia", thread)
    base = f"{info['api_url']}/v1/hotels/{hotel}/conversations/{conversation}"
    headers = {"x-api-key": demo["partner_api_key"]}
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        messages = requests.get(f"{base}/messages?limit=10", headers=headers, timeout=10)
        if messages.ok:
            items = messages.json()["items"]
            position = next((i for i, m in enumerate(items) if m.get("external_message_id") == message_id), None)
            if position is not None:
                time.sleep(0.3)  # the bot's reply is stored with the guest's message; its delivery follows
                items = requests.get(f"{base}/messages?limit=10", headers=headers, timeout=10).json()["items"]
                state = requests.get(base, headers=headers, timeout=10).json()
                print(f"Conversation {conversation}: status {state['status']}")
                for message in reversed(items[:position + 2]):
                    print(f"  {message['sender']:>5}: {message['text']}")
                print(f"Console: {info['console_url']}")
                return
        time.sleep(0.2)
    print(f"Lobby has not shown the message within {wait:.0f} s: see the `make run` window for errors.",
          file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.message", description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", required=True, help="what the traveler writes")
    parser.add_argument("--thread", default=None, help="an Expedia thread id (default: a new thread)")
    parser.add_argument("--state-dir", default=".local")
    parser.add_argument("--first-name", default="Alex")
    parser.add_argument("--last-name", default="Traveler")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for Lobby's answer (0: none)")
    args = parser.parse_args(argv)
    if not args.text.strip():
        parser.error('give the message: make expedia-message TEXT="..."')

    info = _load_stack(args.state_dir)
    if info is None:
        print(f"Lobby is not running (no {args.state_dir}/stack.json): start it with `make run`.", file=sys.stderr)
        return 1
    if not info.get("demo"):
        print("The running stack has no demo hotel (started with --no-seed).", file=sys.stderr)
        return 1
    thread = args.thread or f"thr-{secrets.token_hex(4)}"
    try:
        sent = _send(info, args, thread)
    except requests.RequestException as error:
        print(f"cannot reach Lobby at {info['api_url']}: {error}", file=sys.stderr)
        return 1
    if sent is None:
        return 1
    print(f"Sent in Expedia thread {thread} (message {sent['messageId']}); "
          f"write again in it with THREAD={thread}")
    if args.wait > 0:
        _follow(info, thread, sent["messageId"], args.wait)
    return 0


if __name__ == "__main__":
    sys.exit(main())
