"""Lobby's hot paths, measured: cold-start imports per function (`cold_imports.py`), the bot's speed, and the
DynamoDB requests and time of the inbox's operations on moto.

Run with ``make bench``; it rewrites bench/RESULTS.md. Numbers from this machine, not AWS:
compare them with each other over time, not with Lambda's.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "functions"), str(ROOT), str(ROOT / "tests" / "integration")]
for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-1",
                    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Lobby"}.items():
    os.environ.setdefault(name, value)

import cold_imports  # noqa: E402  (bench/, beside this file)


def bot_speed() -> tuple[float, float]:
    from bot.engine import KeywordBot
    from bot.samples import sample_knowledge_base
    from inbox.bot import GuestText

    bot, kb = KeywordBot(), sample_knowledge_base()
    texts = ["What time is check-in?", "Je voudrais parler à quelqu'un", "¿Hay parking?", "Buy bitcoin now http://x.io",
             "Do you have a helipad?"] * 200
    bot.decide(GuestText(texts[0]), kb)  # warm the index
    start = time.perf_counter()
    for text in texts:
        bot.decide(GuestText(text), kb)
    elapsed = time.perf_counter() - start
    return len(texts) / elapsed, elapsed / len(texts) * 1000


def store_operations() -> list[tuple[str, str, float]]:
    import boto3
    from conversations_helpers import RequestCounter, open_one
    from moto import mock_aws

    from inbox.bot import Answer
    from inbox.inbound import GuestProfile, InboundMessage
    from inbox.machine import Close, apply
    from inbox.model import Actor, ActorType, Tab
    from inbox.ports import Hotel
    from inbox.service import Inbox
    from store.dynamo import DynamoStore
    from store.schema import table_definition

    class AlwaysAnswers:
        def decide(self, message, knowledge):
            return Answer("Check-in is from 3 pm.", "checkin", 1.0, "en")

    rows = []
    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition("bench"))
        store = DynamoStore("bench", "eu-west-1")
        store.put_hotel(Hotel("h1", "Bench Hotel"))
        now = datetime.now(UTC)
        conversations = [open_one(store, "h1", f"c{n}", now - timedelta(minutes=n)) for n in range(200)]
        counter = RequestCounter()
        counter.attach(store)
        agent = Actor(ActorType.AGENT, "a1", "Ana")
        inbox = Inbox(store, bot=AlwaysAnswers(), channels_that_deliver=frozenset())

        def measure(label, action, repeat=50):
            counter.reset()
            start = time.perf_counter()
            for i in range(repeat):
                action(i)
            elapsed = (time.perf_counter() - start) / repeat * 1000
            per_call = {k: v / repeat for k, v in counter.counts.items()}
            rows.append((label, ", ".join(f"{v:g} {k}" for k, v in sorted(per_call.items())), elapsed))

        measure("tab page (25, Open)", lambda i: store.list_tab("h1", Tab.OPEN, 25))
        measure("tab counts", lambda i: store.tab_counts("h1"))
        measure("messages page", lambda i: store.list_messages("h1", "c1", 25))

        def close(i):
            c = store.get_conversation("h1", f"c{i}")
            outcome = apply(c, Close(agent, now))
            store.commit(c, outcome.conversation, [outcome.activity])
        measure("close (read + change of status)", close)

        def guest(i):
            inbox.receive(InboundMessage("h1", "webchat", f"t{i % 10}", f"m{i}", "When is check-in?",
                                         now + timedelta(seconds=i), GuestProfile(f"g{i % 10}")))
        for i in range(10):  # create the conversations first: the floor is for existing ones
            inbox.receive(InboundMessage("h1", "webchat", f"t{i}", f"first-{i}", "hello", now,
                                         GuestProfile(f"g{i}", f"Guest Number {i}")))
        measure("guest message + bot answer (existing conversation)", guest)
        team_operations(store, inbox, measure, conversations, now)
        # A report from a warm function that has not read the hotel yet (the hotel's 30 s cache is cold).
        measure("report, the last 30 days (cold hotel cache)",
                lambda i: Inbox(store, channels_that_deliver=frozenset()).report("h1", None, None))
        measure("missed questions page (25)", lambda i: inbox.missed_questions("h1", 25, None))
    return rows


def team_operations(store, inbox, measure, conversations, now) -> None:
    """The team inbox's hot paths (issue 12): filtered pages, counts, assignment, notes, search, mentions."""
    from inbox.model import UNASSIGNED, Actor, ActorType, Agent, ListOrder, Role, Tab

    class Team:  # the AgentDirectory port, in memory (the Cognito adapter caches the same list for a minute)
        def agents(self, hotel_id):
            return [Agent("a1", "Ana Lima", "ana@bench.example", Role.AGENT),
                    Agent("b1", "Ben Martin", "ben@bench.example", Role.AGENT)]

    inbox.directory = Team()
    ana = Actor(ActorType.AGENT, "a1", "Ana Lima")
    ids = [c.id for c in conversations[100:200]]  # still open (the close bench took the first 50)
    measure("assign (read + transaction)", lambda i: inbox.assign("h1", ids[i], ana, "a1"))
    measure("tab page (25, Open, Mine)", lambda i: store.list_tab("h1", Tab.OPEN, 25, assignee="a1"))
    measure("tab page (25, Open, Unassigned)", lambda i: store.list_tab("h1", Tab.OPEN, 25, assignee=UNASSIGNED))
    measure("tab page (25, Open, waiting longest)", lambda i: store.list_tab("h1", Tab.OPEN, 25,
                                                                             order=ListOrder.WAITING))
    measure("counts with mine and unassigned", lambda i: store.inbox_counts("h1", "a1"))
    measure("note mentioning @Ben Martin", lambda i: inbox.add_note("h1", ids[50 + i], ana, "@Ben Martin can you?"))
    measure("mentions page", lambda i: store.list_mentions("h1", "b1", 25))
    measure("mark read", lambda i: store.mark_read("h1", ids[i], "a1", now + timedelta(minutes=i)))
    measure("search (a guest's name prefix)", lambda i: inbox.search("h1", "guest"))


LOCAL_STACK_GOAL_SECONDS = 15.0  # `make run` ready, seeded, once installed


def local_stack_startup() -> float:
    """Seconds until `make run` (seeded) says it is ready, as its banner reports it; then it is stopped."""
    import re
    import signal
    import socket
    import subprocess
    import tempfile

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as state:
        run = subprocess.Popen([sys.executable, "-m", "local.run", "--port", str(port), "--state-dir", state],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert run.stdout is not None
            for line in run.stdout:
                found = re.search(r"ready in ([0-9.]+) s", line)
                if found:
                    return float(found.group(1))
            raise RuntimeError(f"the local stack ended before it was ready (exit {run.wait()})")
        finally:
            run.send_signal(signal.SIGINT)
            try:
                run.wait(timeout=60)
            except subprocess.TimeoutExpired:
                run.kill()


def realtime_bench():
    """bench/realtime.py as a module (by its path: `realtime` on sys.path is functions/realtime)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_realtime", ROOT / "bench" / "realtime.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def teaching_section(text: str) -> str | None:
    """bench/teaching.py's section of a RESULTS.md text (imported when needed: it reads the corpus and the bot)."""
    import teaching

    return teaching.section_of(text)


def main() -> int:
    lines = ["# Bench results", "", f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on this machine "
             f"(Python {sys.version.split()[0]}). Regenerate with `make bench`.", ""]
    lines += ["## Cold start: importing each function's handler module, the Lambda way", "",
              "`bench/cold_imports.py`: python3.13 -I, `sys.path` = the built code asset + the layer built from "
              "`requirements.lock` (x86_64 here) + the runtime's boto3, no bytecode written, a fresh process per "
              "sample; the ratio is to a bare `import boto3` in the same run (goal: at most 1.5x).", ""]
    lines += cold_imports.markdown(cold_imports.measure())
    per_second, per_message = bot_speed()
    lines += ["", "## Bot", "", f"{per_second:,.0f} decisions a second ({per_message:.2f} ms each) on the sample "
              "knowledge base, warm.", ""]
    lines += ["## Store and pipeline on moto", "",
              "| operation | DynamoDB requests per call | ms per call on moto |", "| --- | --- | --- |"]
    lines += [f"| {label} | {requests} | {ms:.1f} |" for label, requests, ms in store_operations()]
    ready = local_stack_startup()
    lines += ["", "## Local stack", "",
              f"`make run` ready, seeded through the real code paths, in {ready:.1f} s (goal: at most "
              f"{LOCAL_STACK_GOAL_SECONDS:.0f} s once installed; {'met' if ready <= LOCAL_STACK_GOAL_SECONDS else 'not met'}"
              "), as its banner reports it."]
    text = "\n".join(lines) + "\n"
    results = ROOT / "bench" / "RESULTS.md"
    kept = realtime_bench().section_of(results.read_text()) if results.exists() else None
    if kept:  # bench/realtime.py's section (Chromium on the local stack; `make bench` runs it next)
        text += "\n" + kept
    taught = teaching_section(results.read_text()) if results.exists() else None
    if taught:  # bench/teaching.py's section (the corpus replayed before and after teaching; `make bench` runs it last)
        text += "\n" + taught
    results.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
