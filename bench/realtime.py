"""Real time (issue 13), measured on the local stack with Chromium: what an idle console costs, polling versus
push, how fast a guest's message reaches the browser, and what that means on AWS for 1,000 agents working 8 hours.

    .venv/bin/python bench/realtime.py [--window 120] [--messages 50] [--partner-messages 25]
                                       [--polling-messages 20] [--spacing 1.3] [--no-write] [--json out.json]

1. Idle: the demo agent signed in in Chromium, the Open tab shown, nothing opened, left alone for ``--window``
   seconds; every HTTP request the page makes (Playwright's request events) and every WebSocket frame (counted
   in the page) is counted, scaled to an hour. Once with the socket working, once with the socket unavailable
   (the console's ``/config.json`` answered with a ``realtime_url`` where nothing listens, so the console falls
   back to its 4 s polling, as when API Gateway is unreachable).
2. Latency: a guest writes ``--messages`` times through the Expedia stand-in (and ``--partner-messages`` times
   through the partner inbound route) in a conversation the console has open; from the moment the HTTP call
   returns (accepted) to the frame carrying that message in the page (``performance.timeOrigin +
   performance.now()`` when the frame arrives: one machine, one clock) and to its text in the page (a
   MutationObserver). With the socket down, the same to the text in the page (polling).
3. Cost: per 1,000 agents x 8 h, polling versus push, from AWS's published us-east-1 prices (``PRICES``), the
   request counts of (1) and the DynamoDB reads of the polled routes, sized on the local stack's items.

The stack runs in a process of its own (``python -m local.run --port 0``), as the e2e tests start it. The figures
go to bench/RESULTS.md, section "Real time" (the rest of the file is kept). Not a test: no limit is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent

import sections  # noqa: E402  (bench/sections.py: run as a script, or loaded by bench.py, bench/ is on sys.path)

SECTION = "## Real time"
STACK_START_TIMEOUT = 180.0
HOUR = 3600.0
AGENTS, SHIFT_HOURS = 1000, 8

# AWS's published on-demand prices, us-east-1, read 2026-12-02 from aws.amazon.com/api-gateway/pricing,
# aws.amazon.com/lambda/pricing and aws.amazon.com/dynamodb/pricing/on-demand (first tiers).
PRICES_SOURCE = ("AWS's published us-east-1 prices (aws.amazon.com/api-gateway/pricing, /lambda/pricing, "
                 "/dynamodb/pricing/on-demand; first tiers), as of 2026-12-02")
PRICES = {
    "rest_request": 3.50 / 1e6,  # API Gateway REST API, per request (first 333 million a month)
    "ws_message": 1.00 / 1e6,  # API Gateway WebSocket, per message of up to 32 KB, either way (first billion)
    "ws_connection_minute": 0.25 / 1e6,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000133334,  # arm64 (the stack's functions: infra/bundling.py ARCHITECTURE)
    "lambda_gb_second_x86": 0.0000166667,
    # On-demand, since 2024-11-01 (AWS halved it then: it was $0.25 and $1.25 per million).
    "dynamodb_rru": 0.125 / 1e6,
    "dynamodb_wru": 0.625 / 1e6,
}
OLD_DYNAMODB_RRU = 0.25 / 1e6
# What AWS bills per invocation beyond the request: memory (infra/api.py) x billed duration. The durations are
# assumptions (warm, in AWS), not measured here: moto is far slower than DynamoDB.
API_MEMORY_GB, API_MS = 0.5, 60.0
AUTHORIZER_MEMORY_GB, AUTHORIZER_MS = 0.25, 10.0
SOCKET_MEMORY_GB, SOCKET_MS = 0.25, 10.0
# From the code (console/realtime.js, infra/names.py): the keep-alive and API Gateway's 2-hour connection limit.
KEEPALIVE_SECONDS = 300
CONNECTION_HOURS = 2.0
AUTHORIZER_CACHE_TTL = 0  # infra/api.py: results_cache_ttl 0, so every REST request invokes the authorizer
# The console's polling as its code has it (console/app.js): GET inbox + GET conversations every 4 s
# (REFRESH_MS, counted from the last answer: slower on a busy machine) and the channels' health every minute.
NOMINAL_POLLING = {"window": HOUR, "api_requests": 2 * 900 + 60,
                   "by_route": Counter({"GET /v1/hotels/{h}/inbox": 900, "GET /v1/hotels/{h}/conversations": 900,
                                        "GET /v1/hotels/{h}/channels": 60})}

# Recorded in the page before the console's scripts run: each WebSocket (attempts, opens, closes), each frame
# with its arrival time, and when a probe's marker first appears in the page's text.
INIT_SCRIPT = r"""
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const bench = window.__bench = { attempts: [], opens: 0, closes: 0, received: [], sent: [], shown: {} };
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      bench.attempts.push(now());
      this.addEventListener('open', () => { bench.opens += 1; });
      this.addEventListener('close', () => { bench.closes += 1; });
      this.addEventListener('message', (event) => {
        bench.received.push({ at: now(), data: typeof event.data === 'string' ? event.data : '' });
      });
    }
    send(data) {
      bench.sent.push({ at: now(), data: typeof data === 'string' ? data : '' });
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
  const marker = /bench-([0-9a-f]{12})/g;
  const look = (text) => {
    if (!text || text.indexOf('bench-') < 0) return;
    const at = now();
    for (const found of text.matchAll(marker)) if (!(found[1] in bench.shown)) bench.shown[found[1]] = at;
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'characterData') look(m.target.textContent);
      for (const node of m.addedNodes) look(node.textContent);
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
})();
"""
PAGE_NOW = "() => performance.timeOrigin + performance.now()"


def _paths() -> None:
    """The repo's code and the e2e helpers (the console page, the stack's clients) on sys.path."""
    for path in (ROOT / "tests" / "e2e", ROOT, ROOT / "functions"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


# -- the local stack ---------------------------------------------------------------------------------


@contextmanager
def local_stack():
    """``python -m local.run --port 0`` in a process of its own; its stack.json while it runs."""
    with tempfile.TemporaryDirectory(prefix="lobby-bench-rt-") as state:
        stack_file, log_path = Path(state) / "stack.json", Path(state) / "run.log"
        env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "local.run", "--port", "0", "--state-dir", state,
                                        "--quiet"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            started = time.monotonic()
            while not stack_file.exists():
                if process.poll() is not None or time.monotonic() - started > STACK_START_TIMEOUT:
                    raise SystemExit(f"the local stack did not start:\n{log_path.read_text(errors='replace')[-4000:]}")
                time.sleep(0.1)
            time.sleep(0.2)  # written by replace(): complete once it exists, but let the banner follow
            yield json.loads(stack_file.read_text(encoding="utf-8"))
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- one console in Chromium ---------------------------------------------------------------------------


@dataclass
class Console:
    page: object
    context: object
    stack: dict
    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (time, method, url)

    def now(self) -> float:
        return self.page.evaluate(PAGE_NOW)

    def bench(self) -> dict:
        return self.page.evaluate("() => window.__bench")


def open_console(browser, stack: dict, *, socket_works: bool):
    from console_helpers import DESKTOP, ConsolePage

    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(30_000)
    context.add_init_script(INIT_SCRIPT)
    if not socket_works:
        unreachable = f"ws://127.0.0.1:{closed_port()}/"

        def config(route):
            answer = route.fetch()
            body = answer.json()
            body["realtime_url"] = unreachable
            route.fulfill(response=answer, body=json.dumps(body), content_type="application/json")

        context.route(re.compile(r".*/config\.json(\?.*)?$"), config)
    page = ConsolePage(context.new_page(), stack)
    console = Console(page, context, stack)
    page.page.on("request", lambda r: console.requests.append((time.time(), r.method, r.url)))
    page.sign_in_as(None)  # the demo agent (admin of the demo hotel)
    return console


LIVE = "() => document.getElementById('app').dataset.realtime === 'live'"  # console/app.js: caught up, socket open
DOWN = "() => document.getElementById('app').dataset.realtime === 'down' && window.__bench.attempts.length > 0"


def settle(console: Console, socket_works: bool) -> None:
    """Until the console says its socket is live (caught up) or, unavailable, down (polling)."""
    try:
        console.page.wait_for_function(LIVE if socket_works else DOWN, timeout=30_000)
    except Exception as error:  # measured all the same: the report shows what the console did
        state = console.page.evaluate("() => document.getElementById('app').dataset.realtime || null")
        print(f"warning: the console's socket is {state!r}, not {'live' if socket_works else 'down'} "
              f"after 30 s ({type(error).__name__})", file=sys.stderr)


def route_of(url: str, stack: dict) -> str:
    """"GET /v1/hotels/{h}/inbox" and the like: ids replaced by placeholders, no query."""
    path = urlsplit(url).path
    path = path.replace(stack["demo"]["hotel_id"], "{h}")
    path = re.sub(r"/conversations/[^/]+", "/conversations/{c}", path)
    return path


def idle(browser, stack: dict, window: float, *, socket_works: bool) -> dict:
    """Counts what an idle console does for ``window`` seconds once it has settled."""
    console = open_console(browser, stack, socket_works=socket_works)
    try:
        page = console.page
        settle(console, socket_works)
        page.wait_for_timeout(5_000)  # the first load's last answers
        start_page, before = console.now(), len(console.requests)
        start = time.monotonic()
        page.wait_for_timeout(window * 1000)
        end_page, seen = console.now(), list(console.requests[before:])
        elapsed = time.monotonic() - start
        state = console.bench()
        received = [f for f in state["received"] if start_page <= f["at"] <= end_page]
        sent = [f for f in state["sent"] if start_page <= f["at"] <= end_page]
        api = [(m, u) for _, m, u in seen if urlsplit(u).path.startswith("/v1/") and m != "OPTIONS"]
        return {
            "socket_works": socket_works, "window": elapsed,
            "requests": len(seen), "api_requests": len(api),
            "by_route": Counter(f"{m} {route_of(u, stack)}" for m, u in api),
            "other_requests": Counter(f"{m} {urlsplit(u).path}" for _, m, u in seen
                                      if not urlsplit(u).path.startswith("/v1/")),
            "options": sum(1 for _, m, _u in seen if m == "OPTIONS"),
            "list_queries": [parse_qs(urlsplit(u).query) for m, u in api if route_of(u, stack).endswith("/conversations")],
            "frames_received": len(received), "frames_sent": len(sent),
            "sent_kinds": Counter(_action(f["data"]) for f in sent),
            "received_kinds": Counter(_kind(f["data"]) for f in received),
            "socket_attempts": sum(1 for at in state["attempts"] if start_page <= at <= end_page),
            "socket_opens": state["opens"],
        }
    finally:
        console.context.close()


def _action(data: str) -> str:
    try:
        return str(json.loads(data).get("action"))
    except (ValueError, AttributeError):
        return "?"


def _kind(data: str) -> str:
    try:
        return str(json.loads(data).get("type"))
    except (ValueError, AttributeError):
        return "?"


# -- latency ----------------------------------------------------------------------------------------------


def events_of(data: str) -> list[dict]:
    try:
        frame = json.loads(data)
    except ValueError:
        return []
    if not isinstance(frame, dict):
        return []
    return [e for e in frame.get("events", []) if isinstance(e, dict)] if frame.get("type") == "batch" else [frame]


def probe_text(n: int, total: int, marker: str) -> str:
    return f"Latency probe {n}/{total}, please ignore (bench-{marker})"


def latency(console: Console, agent, count: int, *, via: str, spacing: float = 1.3) -> dict:
    """``count`` guest messages in one open conversation; accepted -> frame, accepted -> text in the page."""
    from console_helpers import ASKS_FOR_A_PERSON

    page = console.page
    if via == "expedia":
        thread = agent.traveler_writes(ASKS_FOR_A_PERSON, first_name="Lena", last_name="Bench")
        conversation = agent.wait_for(thread, status="open", timeout=60)
    else:
        thread = f"webchat-bench-{uuid.uuid4().hex[:10]}"
        first = _partner_message(agent, thread, ASKS_FOR_A_PERSON)
        assert first.status_code == 202, first.text
        conversation = agent.wait_for(thread, status="open", timeout=60)
    page.open_conversation(conversation)
    page.wait_for_timeout(3_000)
    accepted: dict[str, float] = {}
    for n in range(1, count + 1):
        marker = uuid.uuid4().hex[:12]
        text = probe_text(n, count, marker)
        if via == "expedia":
            agent.traveler_writes(text, thread_id=thread, first_name="Lena", last_name="Bench")
        else:
            answer = _partner_message(agent, thread, text)
            assert answer.status_code == 202, answer.text
        accepted[marker] = time.time() * 1000
        page.wait_for_timeout(spacing * 1000)  # the page's events are taken meanwhile

    def arrived() -> tuple[dict, dict]:
        state = console.bench()
        frames: dict[str, float] = {}
        for frame in state["received"]:
            for event in events_of(frame["data"]):
                message = event.get("message") if event.get("type") == "message" else None
                found = re.search(r"bench-([0-9a-f]{12})", (message or {}).get("text") or "")
                if found and found[1] in accepted:
                    frames.setdefault(found[1], frame["at"])
        return frames, state["shown"]

    deadline = time.monotonic() + 30
    frames, shown = arrived()
    while time.monotonic() < deadline and not all(m in shown for m in accepted):
        page.wait_for_timeout(500)
        frames, shown = arrived()
    return {"via": via, "sent": count, "thread": thread,
            "to_frame": [frames[m] - t for m, t in accepted.items() if m in frames],
            "to_text": [shown[m] - t for m, t in accepted.items() if m in shown]}


def _partner_message(agent, thread: str, text: str):
    return agent.inbound({"channel": "webchat", "external_conversation_id": thread,
                          "external_message_id": f"{thread}-{uuid.uuid4().hex[:8]}",
                          "sender": {"external_id": f"guest-{thread}", "name": "Lena Bench", "language": "en"},
                          "text": text, "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "wants_human": True})


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=20, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 19
    return {"n": len(ordered), "p50": cuts[9], "p95": cuts[18], "min": ordered[0], "max": ordered[-1],
            "mean": statistics.fmean(ordered)}


# -- DynamoDB reads of the polled routes, sized on the stack's items ------------------------------------------


def attribute_size(value: dict) -> int:
    """The size DynamoDB bills an attribute value at (developer guide, "Item sizes and formats")."""
    (kind, data), = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "N":
        digits = len(data.lstrip("-").replace(".", "").strip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind == "B":
        return len(data)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "NS":
        return sum(attribute_size({"N": n}) for n in data)
    if kind == "BS":
        return sum(len(b) for b in data)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + attribute_size(v) for k, v in data.items())
    raise ValueError(kind)


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def read_units(stack: dict, list_query: dict | None) -> dict:
    """RRUs of one polling tick's two reads (GET inbox: 1 Query of the counter shards; GET conversations:
    1 Query of a tab's index), from the items the store reads on the stack: a Query is billed on the summed
    size of what it reads, rounded up to 4 KB, eventually consistent = half a unit per 4 KB."""
    _paths()
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": stack["region"]})
    from inbox.model import UNASSIGNED, ListOrder, Tab
    from store.dynamo import DynamoStore

    store = DynamoStore(stack["table_name"], stack["region"], stack["aws_endpoint_url"])
    calls: list[tuple[str, int, int]] = []  # (operation, items, bytes)

    def after(http_response, parsed, model, **_):
        items = parsed.get("Items") or ([parsed["Item"]] if "Item" in parsed else [])
        calls.append((model.name, len(items), sum(item_size(i) for i in items)))

    for client in store.botocore_clients():
        client.meta.events.register("after-call.dynamodb", after)
    agent_id = (stack["demo"].get("agents") or [{}])[0].get("id")
    query = {k: v[0] for k, v in (list_query or {}).items()}
    assignee = {"me": agent_id, "none": UNASSIGNED}.get(query.get("assignee", ""), query.get("assignee"))

    def units(calls_of_one: list[tuple[str, int, int]]) -> float:
        return sum(max(1, math.ceil(size / 4096)) * 0.5 for _, _, size in calls_of_one)

    store.inbox_counts(stack["demo"]["hotel_id"], agent_id)
    counts_calls, calls[:] = list(calls), []
    store.list_tab(stack["demo"]["hotel_id"], Tab(query.get("tab", "open")), int(query.get("limit", 25)),
                   assignee=assignee, order=ListOrder(query.get("sort", "newest")))
    list_calls = list(calls)
    return {"inbox": {"calls": counts_calls, "rru": units(counts_calls)},
            "conversations": {"calls": list_calls, "rru": units(list_calls), "query": query}}


# -- cost ------------------------------------------------------------------------------------------------


def cost(polling: dict, push: dict, reads: dict) -> dict:
    """Per agent-hour and per 1,000 agents x 8 h, polling versus push, line by line."""
    p = PRICES
    hours = AGENTS * SHIFT_HOURS
    per_hour = HOUR / polling["window"]
    poll_rest = polling["api_requests"] * per_hour
    routes = {route: n * per_hour for route, n in polling["by_route"].items()}
    inbox_rate = sum(n for r, n in routes.items() if r.endswith("/inbox"))
    list_rate = sum(n for r, n in routes.items() if r.endswith("/conversations"))
    other_rate = poll_rest - inbox_rate - list_rate
    # Other routes (the channels' health, once a minute): up to 3 GetItems of small items, 0.5 RRU each.
    poll_rru = inbox_rate * reads["inbox"]["rru"] + list_rate * reads["conversations"]["rru"] + other_rate * 1.5

    def rest_lines(rate: float, rru: float) -> dict:
        return {
            "API Gateway REST requests": rate * p["rest_request"],
            "Lambda requests (api + authorizer)": rate * 2 * p["lambda_request"],
            "Lambda GB-s (api + authorizer)": rate * (API_MEMORY_GB * API_MS + AUTHORIZER_MEMORY_GB * AUTHORIZER_MS)
            / 1000 * p["lambda_gb_second"],
            "DynamoDB reads": rru * p["dynamodb_rru"],
        }

    polling_lines = rest_lines(poll_rest, poll_rru)
    push_per_hour = HOUR / push["window"]
    push_rest = push["api_requests"] * push_per_hour
    push_routes = {route: n * push_per_hour for route, n in push["by_route"].items()}
    push_rru = sum(n * (reads["inbox"]["rru"] if r.endswith("/inbox") else reads["conversations"]["rru"]
                        if r.endswith("/conversations") else 1.5) for r, n in push_routes.items())
    # The keep-alive is every 5 minutes: a 2-minute window sees one or none, so its rate is the code's; the
    # other frames the console sent (presence) are the measured ones.
    pings = push["sent_kinds"].get("ping", 0)
    client_messages = (push["frames_sent"] - pings) * push_per_hour + HOUR / KEEPALIVE_SECONDS
    server_messages = push["frames_received"] * push_per_hour
    reconnects = 1 / CONNECTION_HOURS  # API Gateway ends a connection after 2 hours; the console reconnects
    # A reconnect: $connect (authorizer + socket function, 2 PutItems), $disconnect (socket function,
    # 2 DeleteItems), and the catch-up refresh of what is shown (GET inbox + GET conversations).
    catch_up = 2 * reconnects
    push_lines = rest_lines(push_rest + catch_up,
                            push_rru + reconnects * (reads["inbox"]["rru"] + reads["conversations"]["rru"]))
    push_lines |= {
        "WebSocket connection-minutes": 60 * p["ws_connection_minute"],
        "WebSocket messages (both ways)": (client_messages + server_messages) * p["ws_message"],
        "Lambda socket function (messages, $connect/$disconnect)":
            (client_messages + 2 * reconnects) * (p["lambda_request"] + SOCKET_MEMORY_GB * SOCKET_MS / 1000
                                                  * p["lambda_gb_second"])
            + reconnects * (p["lambda_request"] + AUTHORIZER_MEMORY_GB * AUTHORIZER_MS / 1000 * p["lambda_gb_second"]),
        "DynamoDB writes (connection items)": reconnects * 4 * p["dynamodb_wru"],
    }
    return {
        "hours": hours, "poll_rest": poll_rest, "poll_rru": poll_rru, "push_rest": push_rest,
        "client_messages": client_messages, "server_messages": server_messages, "reconnects": reconnects,
        "polling": {k: v * hours for k, v in polling_lines.items()},
        "push": {k: v * hours for k, v in push_lines.items()},
        "polling_rru_old_price": poll_rru * hours * OLD_DYNAMODB_RRU,
    }


# -- report --------------------------------------------------------------------------------------------------


def _load(results: dict) -> str:
    (before, _, _), (after, _, _) = results["load"]
    cores = os.cpu_count() or 1
    busy = ", other work ran beside" if max(before, after) > cores / 2 else ""
    return f"{before:.1f} at the start and {after:.1f} at the end on {cores} cores{busy}"


def _usd(value: float | None) -> str:
    if value is None:
        return "-"
    return f"${value:,.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def markdown(results: dict) -> list[str]:
    poll, push, money, nominal = results["polling"], results["push"], results["cost"], results["nominal_cost"]
    scale = lambda r: HOUR / r["window"]  # noqa: E731
    lines = [SECTION, "",
             f"`bench/realtime.py` (measured {results['at']} UTC): the local stack in its own process, the console in "
             "headless Chromium (Playwright), the demo agent signed in, the Open tab shown, nothing opened, then left "
             f"alone for {poll['window']:.0f} s (load average {_load(results)}); every request of the page (Playwright's request events) and every "
             "WebSocket frame (counted in the page) in that window, scaled to an hour. \"Socket unavailable\": the "
             "console's `/config.json` gives a `realtime_url` where nothing listens, so the console polls.", "",
             "| idle console, per agent-hour | socket working (push) | socket unavailable (polling) |",
             "| --- | --- | --- |"]

    def row(label: str, of) -> str:
        return f"| {label} | {of(push):,.0f} | {of(poll):,.0f} |"

    lines += [row("HTTP requests to the API (`/v1`)", lambda r: r["api_requests"] * scale(r)),
              row("other HTTP requests (console files, Cognito)",
                  lambda r: (r["requests"] - r["api_requests"] - r["options"]) * scale(r)),
              row("CORS preflights (OPTIONS)", lambda r: r["options"] * scale(r)),
              row("WebSocket frames received", lambda r: r["frames_received"] * scale(r)),
              row("WebSocket frames sent", lambda r: r["frames_sent"] * scale(r)),
              row("WebSocket connection attempts", lambda r: r["socket_attempts"] * scale(r))]
    for label, r in (("push", push), ("polling", poll)):
        routes = ", ".join(f"{n} `{route}`" for route, n in sorted(r["by_route"].items())) or "none"
        lines.append(f"\nIn the {r['window']:.0f} s window, {label}: {r['api_requests']} API requests ({routes}); "
                     f"frames received {dict(r['received_kinds']) or 0}, sent {dict(r['sent_kinds']) or 0}; "
                     f"{r['socket_opens']} socket(s) opened since the page loaded.")
    lines += ["", "Goal: 0 HTTP requests while idle and connected: "
              f"{'met' if push['api_requests'] == 0 and push['requests'] == 0 else 'not met'}. Not in the window: "
              f"the keep-alive (`{{\"action\":\"ping\"}}` every {KEEPALIVE_SECONDS // 60} min, "
              f"{HOUR / KEEPALIVE_SECONDS:.0f} frames an hour), the ID token's renewal (one Cognito call about "
              "every 55 min, either way) and the reconnect API Gateway forces every 2 hours.", ""]
    lines += ["Latency: a guest writes in a conversation the console has open; from the moment the HTTP call "
              "that hands the message in returns (accepted) to the frame carrying it in the page "
              "(`performance.timeOrigin + performance.now()` in the WebSocket's message listener; one machine, "
              "one clock), and to its text in the page (a MutationObserver). Messages spaced "
              f"{results['spacing']:g} s apart.", "",
              "| path | messages | to the frame p50 | p95 | max | to the text on screen p50 | p95 | max |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in results["latency"]:
        frame, text = percentiles(run["to_frame"]), percentiles(run["to_text"])
        label = {"expedia": "Expedia stand-in (callback, SQS, ingest), push",
                 "partner": "partner inbound (`POST .../inbound`), push",
                 "polling": "Expedia stand-in, socket unavailable (polling)"}[run["label"]]
        lines.append(f"| {label} | {run['sent']} ({frame['n']} frames, {text['n']} shown) | "
                     f"{_ms(frame.get('p50'))} | {_ms(frame.get('p95'))} | {_ms(frame.get('max'))} | "
                     f"{_ms(text.get('p50'))} | {_ms(text.get('p95'))} | {_ms(text.get('max'))} |")
    pushed = [percentiles(r["to_frame"]) for r in results["latency"] if r["label"] != "polling"]
    if pushed and all(p["n"] for p in pushed):
        worst = max(p["p95"] for p in pushed)
        lines += ["", f"Goal: p95 under 1 s: {'met' if worst < 1000 else 'not met'} (worst p95 {worst:,.0f} ms)."]
    lines += ["", f"Cost per {AGENTS:,} agents x {SHIFT_HOURS} h idle consoles ({money['hours']:,} agent-hours), "
              f"from {PRICES_SOURCE}: API Gateway REST $3.50 per million requests; WebSocket $1.00 per million "
              "messages (32 KB units, either way) + $0.25 per million connection-minutes; Lambda $0.20 per million "
              "requests + $0.0000133334 per GB-s (arm64; x86 $0.0000166667); DynamoDB on-demand $0.125 per million "
              "read request units and $0.625 per million write units (halved on 2024-11-01 from $0.25 and $1.25).", "",
              f"| line | polling (measured: {money['poll_rest']:,.0f} requests an hour) | polling (the code's "
              f"rate: {nominal['poll_rest']:,.0f} an hour) | push |", "| --- | --- | --- | --- |"]
    names = list(dict.fromkeys([*money["polling"], *money["push"]]))
    for name in names:
        lines.append(f"| {name} | {_usd(money['polling'].get(name))} | {_usd(nominal['polling'].get(name))} | "
                     f"{_usd(money['push'].get(name))} |")
    total_poll, total_push = sum(money["polling"].values()), sum(money["push"].values())
    total_nominal = sum(nominal["polling"].values())
    ratio = f"{total_poll / total_push:,.0f}x to {total_nominal / total_push:,.0f}x" if total_push else "-"
    lines.append(f"| **total** | **{_usd(total_poll)}** | **{_usd(total_nominal)}** | **{_usd(total_push)}** "
                 f"({ratio} less) |")
    reads = results["reads"]
    per_tick = reads["inbox"]["rru"] + reads["conversations"]["rru"]
    lines += ["", "The formula, per agent-hour (x agent-hours for the table):", "",
              f"- polling: R = {money['poll_rest']:,.0f} API requests (measured above: GET inbox and GET conversations "
              "every 4 s, the channels' health every minute); REST = R x $3.50/M; Lambda = R x 2 invocations (api + "
              f"authorizer: its cache TTL is {AUTHORIZER_CACHE_TTL}, infra/api.py) x $0.20/M + R x ({API_MEMORY_GB:g} "
              f"GB x {API_MS:g} ms + {AUTHORIZER_MEMORY_GB:g} GB x {AUTHORIZER_MS:g} ms) x $0.0000133334/GB-s; "
              f"DynamoDB = RRU x $0.125/M with RRU = ticks x {per_tick:g} + channel calls x 1.5 = "
              f"{money['poll_rru']:,.0f} (a tick: GET inbox = 1 Query of the counter shards, "
              f"{_calls(reads['inbox']['calls'])} = {reads['inbox']['rru']:g} RRU; GET conversations "
              f"({_query(reads['conversations']['query'])}) = 1 Query of the tab's index, "
              f"{_calls(reads['conversations']['calls'])} = {reads['conversations']['rru']:g} RRU: eventually "
              "consistent, half a unit per 4 KB read, sized on the seeded hotel's items; the channels: a GetItem of "
              "the hotel and up to two of its health, 0.5 RRU each).",
              f"- push: {money['push_rest']:,.0f} API requests measured idle + 2 x {money['reconnects']:g} catch-up "
              f"requests (one refresh after each reconnect, {money['reconnects']:g} an hour: API Gateway's 2-hour "
              "limit), priced as above; WebSocket = 60 connection-minutes x $0.25/M + "
              f"({money['client_messages']:,.0f} client messages (the keep-alive every {KEEPALIVE_SECONDS // 60} "
              f"min, from the code, + any other frame the console sent) + {money['server_messages']:,.0f} frames received) x $1.00/M; the socket function "
              "= (client messages + $connect + $disconnect) x ($0.20/M + "
              f"{SOCKET_MEMORY_GB:g} GB x {SOCKET_MS:g} ms x $0.0000133334/GB-s) + the authorizer once a connection; "
              "DynamoDB writes: 2 items put at $connect and deleted at $disconnect (1 WRU each).",
              "- the billed durations are assumptions (warm functions in AWS: api "
              f"{API_MS:g} ms, authorizer {AUTHORIZER_MS:g} ms, socket {SOCKET_MS:g} ms), not measured here. "
              f"At the pre-2024-11 DynamoDB read price ($0.25/M), polling's DynamoDB line is "
              f"${money['polling_rru_old_price']:,.2f}.",
              "- not in the table: what a change costs when something does happen (push: the fan-out invocation "
              "per stream batch, 1 Query of the hotel's connections + the reads of the changed conversations "
              "and counts, one WebSocket message per connection and frame; polling picks the same change up in "
              "its next tick at no extra cost) and Cognito (billed per monthly active user, the same either way)."]
    return lines


def _calls(calls: list[tuple[str, int, int]]) -> str:
    return ", ".join(f"{op} of {n} items ({size:,} bytes)" for op, n, size in calls) or "no request"


def _query(query: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(query.items())) or "defaults"



def section_of(text: str) -> str | None:
    """The "Real time" section of a RESULTS.md text (bench.py keeps it when it rewrites the rest)."""
    return sections.section_of(text, SECTION)


def write_results(lines: list[str]) -> None:
    """Replaces (or appends) the "Real time" section of bench/RESULTS.md; the rest of the file is kept."""
    sections.write_section(SECTION, lines)


# -- main -----------------------------------------------------------------------------------------------------


def run(window: float, messages: int, partner_messages: int, polling_messages: int, spacing: float) -> dict:
    _paths()
    from console_helpers import CHROMIUM_ARGS, AgentApi
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("bench/realtime.py needs Debian's chromium: `make chromium`")
    results: dict = {"at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), "spacing": spacing, "latency": [],
                     "load": os.getloadavg()}
    with local_stack() as stack, sync_playwright() as playwright:
        print(f"local stack at {stack['api_url']}; realtime_url {stack.get('realtime_url')}", flush=True)
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        agent = AgentApi(stack)
        try:
            print(f"idle, socket working: {window:.0f} s ...", flush=True)
            results["push"] = idle(browser, stack, window, socket_works=True)
            print(f"idle, socket unavailable: {window:.0f} s ...", flush=True)
            results["polling"] = idle(browser, stack, window, socket_works=False)
            for label, count, socket_works, via in (("expedia", messages, True, "expedia"),
                                                    ("partner", partner_messages, True, "partner"),
                                                    ("polling", polling_messages, False, "expedia")):
                if not count:
                    continue
                print(f"latency, {label}: {count} messages ...", flush=True)
                console = open_console(browser, stack, socket_works=socket_works)
                try:
                    settle(console, socket_works)
                    results["latency"].append({"label": label, **latency(console, agent, count, via=via,
                                                                         spacing=spacing)})
                finally:
                    console.context.close()
            queries = results["polling"]["list_queries"]
            results["reads"] = read_units(stack, queries[0] if queries else None)
        finally:
            browser.close()
    results["cost"] = cost(results["polling"], results["push"], results["reads"])
    results["nominal_cost"] = cost(NOMINAL_POLLING, results["push"], results["reads"])
    results["load"] = (results["load"], os.getloadavg())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=120.0, help="idle window in seconds (default 120)")
    parser.add_argument("--messages", type=int, default=50, help="guest messages through Expedia, pushed")
    parser.add_argument("--partner-messages", type=int, default=25, help="through partner inbound, pushed")
    parser.add_argument("--polling-messages", type=int, default=20, help="through Expedia, socket unavailable")
    parser.add_argument("--spacing", type=float, default=1.3, help="seconds between two guest messages")
    parser.add_argument("--no-write", action="store_true", help="print, leave bench/RESULTS.md as it is")
    parser.add_argument("--json", type=Path, help="also write the raw figures (every sample) to this file")
    args = parser.parse_args(argv)
    results = run(args.window, args.messages, args.partner_messages, args.polling_messages, args.spacing)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    lines = markdown(results)
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
