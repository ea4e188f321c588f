"""The daily figures on moto, against a recount: a realistic evening of conversations runs through the real inbox
(the keyword bot, the DynamoDB store, EventBridge Scheduler and SQS on moto) across midnight in Paris, then the
report must equal what a recount finds in the raw items of the table (a Scan of the conversations, their messages
and their activity entries, each figure computed again from them, with no code of the reports)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest

from bot.samples import sample_knowledge_base
from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType
from inbox.ports import Hotel
from inbox.reports import PERCENTILE_ERROR

PARIS = ZoneInfo("Europe/Paris")
ANA = Actor(ActorType.AGENT, "agent-ana", "Ana")
BEN = Actor(ActorType.AGENT, "agent-ben", "Ben")
CHECK_IN = "What time is check-in?"
PERSON = "I want to talk to a person"
UNKNOWN = "Do you have a helipad for my private jet?"
SPAM = "Boost your SEO ranking! Buy backlinks at http://cheap-seo.example now, bitcoin accepted"
EVENING = datetime(2026, 11, 30, 20, 0, 3, tzinfo=UTC)  # 21:00 in Paris; midnight there is 23:00 UTC
DAYS = (date(2026, 11, 30), date(2026, 12, 1))


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def hotels(store):
    store.put_hotel(Hotel("h1", "Hôtel Lumière", "Europe/Paris", knowledge=sample_knowledge_base()))
    store.put_hotel(Hotel("h2", "Hotel Aurora", "America/New_York", knowledge=sample_knowledge_base()))


@pytest.fixture
def files_bucket(api_settings, monkeypatch, region):
    """The attachments bucket (an erase deletes a guest's files there)."""
    boto3.client("s3", region_name=region).create_bucket(
        Bucket="lobby-report-files", CreateBucketConfiguration={"LocationConstraint": region})
    monkeypatch.setenv("ATTACHMENTS_BUCKET", "lobby-report-files")


@pytest.fixture
def service(api_settings, files_bucket, hotels):
    from wiring import container

    container.reset()
    service = container.inbox()
    service.clock = Clock(EVENING)
    return service


class Evening:
    """Guests and agents of one evening, each step at its minute (and a few seconds) after EVENING."""

    def __init__(self, service, store):
        self.service, self.store = service, store
        self.ids: dict[str, str] = {}
        self.sent = Counter()

    def at(self, minute: float) -> None:
        self.service.clock.at = EVENING + timedelta(minutes=minute, seconds=int(minute * 7) % 13)

    def guest(self, minute, who: str, text: str, channel: str = "webchat", *, hotel: str = "h1",
              wants_human: bool = False):
        self.at(minute)
        self.sent[who] += 1
        received = self.service.receive(InboundMessage(
            hotel, channel, f"thread-{who}", f"{who}-m{self.sent[who]}", text, self.service.clock(),
            GuestProfile(f"guest-{who}", who.title()), wants_human=wants_human))
        self.ids[who] = received.conversation_id
        return received

    def agent(self, minute, action: str, who: str, *args, actor: Actor = ANA, hotel: str = "h1"):
        self.at(minute)
        return getattr(self.service, action)(hotel, self.ids[who], actor, *args)

    def wake_up(self, minute, who: str):
        self.at(minute)
        token = self.store.get_conversation("h1", self.ids[who]).hold_token
        return self.service.wake_up("h1", self.ids[who], token)

    def hold(self, minute, who: str, until_minute: float):
        self.at(minute)
        return self.service.hold("h1", self.ids[who], ANA, EVENING + timedelta(minutes=until_minute))


@pytest.fixture
def evening(service, store):
    """Ten guests of h1 (and one of h2) from 21:00 to 01:30 in Paris, in the order it happens."""
    e = Evening(service, store)
    e.guest(5, "amelie", CHECK_IN)  # the bot answers: fully automated
    e.guest(10, "bruno", PERSON, "expedia")  # human_requested
    e.agent(25, "reply", "bruno", "Hello Bruno, Ana here")
    e.agent(26, "add_note", "bruno", "Regular guest")  # notes count nowhere
    e.guest(40, "bruno", "Can I have a late check-out?", "expedia")
    e.guest(60, "chloe", UNKNOWN)  # bot_unanswered
    e.hold(70, "chloe", 220)  # on hold across midnight, woken at its end
    e.guest(90, "dario", SPAM, "expedia")  # spam by the bot
    e.guest(100, "emma", CHECK_IN, wants_human=True)  # a request for a person, whatever the text
    e.agent(105, "mark_spam", "emma")  # spam by an agent
    e.agent(110, "reply", "bruno", "Yes, until 2 pm", actor=BEN)
    e.guest(112, "farid", CHECK_IN, "expedia")  # answered by the bot, then a person: no longer automated
    e.agent(115, "close", "bruno")
    e.guest(125, "farid", PERSON, "expedia")
    e.hold(130, "farid", 300)
    e.guest(150, "farid", "Hello? Anyone there?", "expedia")  # the guest ends the hold
    e.agent(158, "reply", "farid", "Sorry for the wait!")
    e.guest(175, "gaelle", UNKNOWN)  # 23:55 in Paris
    e.guest(178, "ines", PERSON, hotel="h2")  # another hotel: in its own figures only
    e.hold(181, "gaelle", 400)  # 00:01 in Paris: the next day
    e.guest(185, "hugo", PERSON, "expedia")
    e.hold(190, "hugo", 500)
    e.guest(200, "amelie", CHECK_IN)  # the bot again, after midnight
    e.agent(205, "resume", "gaelle")  # the agent started typing: back in Open
    e.agent(206, "reply", "gaelle", "Let me check for you")
    e.wake_up(220, "chloe")
    e.agent(223, "reply", "chloe", "No helipad, sorry")
    e.agent(232, "reply", "hugo", "Here is your answer")  # a reply ends the hold
    e.agent(233, "add_note", "hugo", "Follow up tomorrow", actor=BEN)
    e.agent(240, "reopen", "bruno")
    e.guest(242, "bruno", "One more question", "expedia")
    e.agent(251, "reply", "bruno", "Of course")
    e.at(260)  # the hotel switches its bot off: the next guest (past the 30 s cache) goes to the agents
    store.set_bot("h1", False, sample_knowledge_base())
    e.guest(262, "jade", CHECK_IN)  # bot_disabled
    e.agent(270, "reply", "jade", "Check-in is from 3 pm")
    return e


# --- the recount: straight from the raw items -------------------------------------------------------


def scan(table: str, region: str) -> list[dict]:
    pages = boto3.client("dynamodb", region_name=region).get_paginator("scan").paginate(TableName=table)
    return [item for page in pages for item in page["Items"]]


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def paris_day(value: str) -> date:
    return moment(value).astimezone(PARIS).date()


def recount(items: list[dict], hotel_id: str):
    """Each figure of each day, from the conversations, messages and activity entries of the hotel."""
    prefix = f"HOTEL#{hotel_id}#CONV#"
    conversations, messages, entries = {}, defaultdict(list), defaultdict(list)
    for item in items:
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if not pk.startswith(prefix):
            continue
        if sk == "CONVERSATION":
            conversations[pk] = item
        elif sk.startswith("MSG#"):
            messages[pk].append(item)
        elif sk.startswith("ACT#"):
            entries[pk].append(item)
    days: dict = defaultdict(lambda: {"started": Counter(), "automated": 0, "handed_off": Counter(), "spam": 0,
                                      "in": 0, "out": 0, "replies": [], "holds": []})
    for pk, c in conversations.items():
        if c["automated"]["BOOL"] and c["status"]["S"] != "spam":
            days[paris_day(c["created_at"]["S"])]["automated"] += 1
        for a in entries[pk]:
            day = days[paris_day(a["at"]["S"])]
            kind = a["type"]["S"]
            if kind == "created":
                day["started"][c["channel"]["S"]] += 1
            elif kind == "handed_off":
                day["handed_off"][a["reason"]["S"]] += 1
            elif kind == "marked_spam":
                day["spam"] += 1
        for m in messages[pk]:
            if "internal" in m and m["internal"].get("BOOL"):
                continue
            days[paris_day(m["sent_at"]["S"])]["in" if m["direction"]["S"] == "inbound" else "out"] += 1
        # Waits: a guest message while an agent has the conversation starts one (if none runs); an agent's reply
        # ends it; a close or spam ends it with no reply. Entries at a message's moment happen first.
        timeline = sorted([(moment(a["at"]["S"]), 0, "entry", a) for a in entries[pk]]
                          + [(moment(m["sent_at"]["S"]), 1, "message", m) for m in messages[pk]],
                          key=lambda t: (t[0], t[1]))
        status, waiting, held = None, None, None
        for at, _, what, item in timeline:
            if what == "entry":
                before, status = status, item["to_status"]["S"]
                if item["type"]["S"] in ("closed", "marked_spam"):
                    waiting = None
                if status == "on_hold" and before != "on_hold":
                    held = at
                elif before == "on_hold" and status != "on_hold":
                    days[at.astimezone(PARIS).date()]["holds"].append((at - held).total_seconds())
            elif item["direction"]["S"] == "inbound":
                if status in ("open", "on_hold") and waiting is None:
                    waiting = at
            elif item["sender"]["S"] == "agent" and not ("internal" in item and item["internal"].get("BOOL")):
                if waiting is not None:
                    days[at.astimezone(PARIS).date()]["replies"].append((at - waiting).total_seconds())
                    waiting = None
    return days


def nearest_rank(values, p):
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1] if ordered else None


def assert_same(figures, counted) -> None:
    started = {k: v for k, v in figures.started.items() if v}
    assert started == dict(counted["started"])
    assert figures.automated == counted["automated"]
    assert {k: v for k, v in figures.handed_off.items() if v} == dict(counted["handed_off"])
    assert figures.spam_total == counted["spam"]
    assert (figures.messages_in, figures.messages_out) == (counted["in"], counted["out"])
    for name, durations in (("reply", counted["replies"]), ("hold", counted["holds"])):
        assert getattr(figures, f"{name}_count") == len(durations), name
        assert getattr(figures, f"{name}_seconds") == sum(int(d) for d in durations), name
        for p in (50, 90):
            estimate, truth = getattr(figures, f"{name}_percentile")(p), nearest_rank(durations, p)
            if truth is None:
                assert estimate is None
            else:
                assert abs(estimate - truth) <= PERCENTILE_ERROR * truth, (name, p, estimate, truth)


def test_the_report_equals_a_recount_from_the_raw_items(evening, service, table, region):
    report = service.report("h1", *DAYS)
    counted = recount(scan(table, region), "h1")

    assert set(counted) == set(DAYS)  # the evening crossed midnight in Paris
    for day, figures in report.days:
        assert_same(figures, counted[day])
    everything = {"started": sum((c["started"] for c in counted.values()), Counter()),
                  "automated": sum(c["automated"] for c in counted.values()),
                  "handed_off": sum((c["handed_off"] for c in counted.values()), Counter()),
                  **{k: sum(c[k] for c in counted.values()) for k in ("spam", "in", "out")},
                  **{k: [d for c in counted.values() for d in c[k]] for k in ("replies", "holds")}}
    assert_same(report.totals, everything)
    # Not an empty agreement: the evening has all it is meant to have.
    totals = report.totals
    assert totals.started == {"expedia": 4, "webchat": 5} and totals.automated == 1
    assert totals.handed_off == {"bot_disabled": 1, "bot_unanswered": 2, "human_requested": 4}
    assert totals.spam == {"agent": 1, "bot": 1}
    assert totals.reply_count == 8 and totals.hold_count == 4
    assert all(f.started_total for _, f in report.days)


def test_another_hotels_figures_are_its_own_in_its_own_zone(evening, service, table, region):
    report = service.report("h2", date(2026, 11, 30), date(2026, 11, 30))  # 22:58 UTC: 17:58 in New York
    assert report.totals.started == {"webchat": 1} and report.totals.handed_off["human_requested"] == 1
    assert report.totals.messages_in == 1


def test_the_figures_ride_in_the_transaction_of_the_change(service, store):
    from conversations_helpers import RequestCounter

    e = Evening(service, store)
    e.guest(5, "amelie", PERSON)  # warms the hotel cache: the next message is the floor
    counter = RequestCounter()
    counter.attach(service.store)
    e.guest(5.2, "amelie", "Hello?")  # within the hotel cache's 30 s
    assert counter.counts == {"BatchGetItem": 1, "TransactWriteItems": 1}
    (_, params), = [c for c in counter.calls if c[0] == "TransactWriteItems"]
    reports = [i["Update"] for i in params["TransactItems"]
               if "Update" in i and i["Update"]["Key"]["sk"]["S"].startswith("REPORT#2026-11-30#")]
    assert len(reports) == 1 and "ADD" in reports[0]["UpdateExpression"]
    assert service.report("h1", DAYS[0], DAYS[0]).totals.messages_in == 2


def test_an_unreadable_day_item_is_reported_and_left_out(table, region, hotels):
    from store.dynamo import DynamoStore

    reported = []
    store = DynamoStore(table, region, on_unreadable=lambda key, error: reported.append(key))
    client = boto3.client("dynamodb", region_name=region)
    client.put_item(TableName=table, Item={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "REPORT#2026-11-30#0"},
                                           "messages_in": {"N": "3"}, "started#webchat": {"N": "2"}})
    client.put_item(TableName=table, Item={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "REPORT#2026-11-30#1"},
                                           "messages_in": {"S": "lots"}})
    client.put_item(TableName=table, Item={"pk": {"S": "HOTEL#h1"}, "sk": {"S": "REPORT#2026-12-01#2"},
                                           "messages_in": {"N": "1"}, "expires_at": {"N": "1900000000"}})
    assert store.read_figures("h1", *DAYS) == {DAYS[0]: {"messages_in": 3, "started#webchat": 2},
                                               DAYS[1]: {"messages_in": 1}}
    assert reported == ["HOTEL#h1 | REPORT#2026-11-30#1"]


def test_an_erase_leaves_the_figures_they_hold_no_guest_data(evening, service, table, region):
    from inbox.inbound import contact_id_for

    before = service.report("h1", *DAYS)
    receipt = service.erase_guest("h1", contact_id_for("expedia", "guest-bruno"), ANA)
    assert receipt.items["conversations"] == 1
    assert service.report("h1", *DAYS) == before  # what happened that evening still happened
    days = [i for i in scan(table, region) if i["sk"]["S"].startswith("REPORT#")]
    text = repr(days).lower()
    assert days and not any(word in text for word in ("bruno", "guest-", "thread-", "late check-out"))
