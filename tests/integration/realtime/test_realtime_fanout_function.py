"""The fan-out function on moto's stream records and the @connections emulator: each hotel's changes reach
its consoles only, shaped for each agent as the REST API shapes them; a gone connection is removed while the
others are served; a burst is packed into a few frames per console; an unreadable record fails alone; the
same records delivered twice change nothing a console would show."""

from __future__ import annotations

import copy
import json

import pytest
from realtime_fanout_helpers import ANA, BEN, BOTH, OLAF, Agent, agent_in_pool, guest_says

from inbox.model import Actor, ActorType
from infra import names
from realtime.push import FRAME_MAX_BYTES


def fan_out_all(fan_out, stream) -> list[dict]:
    """Every invocation the event source makes for what was written since the last read; their answers."""
    return [fan_out(event) for event in stream.batches()]


def by_type(console) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for event in console.events:
        out.setdefault(event["type"], []).append(event)
    return out


def test_the_frame_limit_is_the_one_the_stack_names():
    assert FRAME_MAX_BYTES == names.REALTIME_FRAME_MAX_BYTES


def test_a_guest_message_reaches_its_hotels_consoles_as_message_conversation_and_counts(
        service, stream, fan_out, open_console):
    ana, ben = open_console(ANA), open_console(BEN)

    received = service.receive(guest_says("h1", "Bonjour, je voudrais parler à quelqu'un"))
    answers = fan_out_all(fan_out, stream)

    assert answers == [{"batchItemFailures": []}]
    cid = received.conversation_id
    for console in (ana, ben):
        events = console.events
        assert [e["type"] for e in events] == ["message", "conversation", "counts"]
        assert len(console.frames) == 1 and json.loads(console.frames[0])["type"] == "batch"
        message, conversation, counts = events
        assert message["hotel_id"] == "h1" and message["conversation_id"] == cid
        assert message["message"]["text"] == "Bonjour, je voudrais parler à quelqu'un"
        assert message["message"]["sender"] == "guest" and message["message"]["id"] == received.message_id
        assert conversation["conversation"]["id"] == cid and conversation["conversation"]["status"] == "open"
        assert conversation["conversation"]["unread"] is True
        assert counts["tabs"]["open"] == 1 and counts["unassigned"]["open"] == 1 and counts["mine"]["open"] == 0
    # Shaped for each agent as GET .../conversations shapes it: an admin may do more than an agent.
    ana_actions = set(by_type(ana)["conversation"][0]["conversation"]["allowed_actions"])
    ben_actions = set(by_type(ben)["conversation"][0]["conversation"]["allowed_actions"])
    assert ana_actions and ana_actions <= ben_actions


def test_the_shapes_are_the_rest_apis(service, stream, fan_out, open_console):
    from api.present import conversation_out
    from api.schemas import MessageOut
    from realtime.shape import principal_of
    from wiring import container

    ana = open_console(ANA)
    received = service.receive(guest_says("h1", "Is breakfast included?"))
    fan_out_all(fan_out, stream)

    message, conversation, counts = ana.events
    stored = service.conversation("h1", received.conversation_id)
    kept = container.connections().get(ana.id)
    assert conversation["conversation"] == conversation_out(service, "h1", stored, principal_of(kept)).model_dump(mode="json")
    (stored_message,) = [m for m in service.messages("h1", received.conversation_id, 10, None).items
                         if m.id == received.message_id]
    assert message["message"] == MessageOut.of(stored_message, link=lambda a: None).model_dump(mode="json")
    inbox = service.inbox_counts("h1", ANA.id)
    assert counts == {"type": "counts", "hotel_id": "h1", "tabs": {t.value: n for t, n in inbox.tabs.items()},
                      "mine": {t.value: n for t, n in inbox.mine.items()},
                      "unassigned": {t.value: n for t, n in inbox.unassigned.items()}}


def test_two_hotels_two_sockets_never_cross(service, stream, fan_out, open_console):
    ana, olaf, zoe = open_console(ANA), open_console(OLAF), open_console(BOTH)

    in_h1 = service.receive(guest_says("h1", "Chambre 12: pas d'eau chaude")).conversation_id
    in_h2 = service.receive(guest_says("h2", "Room 4: no hot water")).conversation_id
    fan_out_all(fan_out, stream)

    def seen(console) -> set[tuple[str, str | None]]:
        return {(e["hotel_id"], e.get("conversation_id") or e.get("conversation", {}).get("id")) for e in console.events}

    assert seen(ana) == {("h1", in_h1), ("h1", None)}
    assert seen(olaf) == {("h2", in_h2), ("h2", None)}
    assert seen(zoe) == seen(ana) | seen(olaf)  # an agent of both hotels hears both
    assert "Room 4" not in "".join(ana.frames) and "Chambre 12" not in "".join(olaf.frames)


def test_an_assignment_is_mine_for_the_assignee_only(service, stream, fan_out, open_console, configure, region):
    pool_id, ana_sub = agent_in_pool(region, "h1", "ana@lumiere.example", "Ana Lima")
    configure(user_pool_id=pool_id)
    from wiring import container

    service = container.inbox()
    ana_agent = Agent(ana_sub, "Ana Lima", ("h1",))
    cid = service.receive(guest_says("h1", "Bonjour")).conversation_id
    ana, ben = open_console(ana_agent), open_console(BEN)
    stream.read()

    service.assign("h1", cid, Actor(ActorType.AGENT, BEN.id, BEN.name), ana_sub)
    fan_out_all(fan_out, stream)

    (ana_counts,), (ben_counts,) = by_type(ana)["counts"], by_type(ben)["counts"]
    assert ana_counts["mine"]["open"] == 1 and ben_counts["mine"]["open"] == 0
    assert ana_counts["unassigned"]["open"] == ben_counts["unassigned"]["open"] == 0
    (conversation,) = by_type(ana)["conversation"]
    assert conversation["conversation"]["assignee"] == {"id": ana_sub, "name": "Ana Lima"}


def test_a_gone_connection_is_removed_and_the_others_still_served(service, stream, fan_out, open_console, socket,
                                                                  emulator, connections):
    ana, ben = open_console(ANA), open_console(BEN)
    # A console whose socket closed without a $disconnect reaching us: @connections answers 410.
    assert socket("$connect", "conn-stale=", authorizer=ANA.context()) == {"statusCode": 200}
    assert "conn-stale=" not in emulator.registry

    service.receive(guest_says("h1", "Hello?"))
    assert fan_out_all(fan_out, stream) == [{"batchItemFailures": []}]

    assert connections.get("conn-stale=") is None
    assert sorted(c.id for c in connections.of_hotel("h1")) == sorted([ana.id, ben.id])
    assert [e["type"] for e in ana.events] == [e["type"] for e in ben.events] == ["message", "conversation", "counts"]
    # The next change costs it nothing.
    stale_posts = len(emulator.registry.posts("conn-stale="))
    service.receive(guest_says("h1", "Hello again?", n=2))
    fan_out_all(fan_out, stream)
    assert len(emulator.registry.posts("conn-stale=")) == stale_posts


def test_a_burst_of_100_changes_is_a_few_frames_per_console_each_under_the_limit(service, stream, fan_out,
                                                                                 open_console, emulator):
    consoles = [open_console(ANA), open_console(BEN), open_console(ANA)]
    posts_before = len(emulator.registry.posts())

    for n in range(100):  # 100 guest messages over 10 conversations
        service.receive(guest_says("h1", f"Message {n}: " + "blah " * 40, n=n + 1, thread=f"thr-{n % 10}"))
    invocations = stream.batches()
    answers = [fan_out(event) for event in invocations]

    assert all(answer == {"batchItemFailures": []} for answer in answers)
    records = sum(len(event["Records"]) for event in invocations)
    assert records >= 200  # each guest message is its message, its conversation and a counter shard at least
    posts = len(emulator.registry.posts()) - posts_before
    assert posts < len(invocations) * len(consoles) * 3  # a few frames per console and invocation
    assert posts * 10 < 100 * len(consoles)  # "well under 100 x N"
    assert all(call.size <= FRAME_MAX_BYTES for call in emulator.registry.posts())
    for console in consoles:
        messages = [e["message"]["text"] for e in console.of_type("message")]
        assert len(messages) == 100 and messages[0].startswith("Message 0:") and messages[-1].startswith("Message 99:")
        conversations = {e["conversation"]["id"] for e in console.of_type("conversation")}
        assert len(conversations) == 10
        # Coalesced: each conversation at most once, and the counts once, per invocation.
        assert len(console.of_type("conversation")) <= 10 * len(invocations)
        assert len(console.of_type("counts")) <= len(invocations)
        assert console.of_type("counts")[-1]["tabs"]["open"] == 10


def test_an_unreadable_record_fails_alone_and_the_others_are_sent(service, stream, fan_out, open_console, lobby_logs):
    ana = open_console(ANA)
    received = service.receive(guest_says("h1", "Bonjour"))
    (event,) = stream.batches()
    message_record = next(r for r in event["Records"] if r["dynamodb"]["Keys"]["sk"]["S"].startswith("MSG#"))
    bad = copy.deepcopy(message_record)
    bad["eventID"] = "bad-one"
    bad["dynamodb"]["SequenceNumber"] = "999999999"
    bad["dynamodb"]["NewImage"] = {"pk": bad["dynamodb"]["Keys"]["pk"], "sk": bad["dynamodb"]["Keys"]["sk"],
                                   "sent_at": {"S": "not a time"}}
    event["Records"].insert(0, bad)

    answer = fan_out(event)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "999999999"}]}
    assert [e["type"] for e in ana.events] == ["message", "conversation", "counts"]
    assert ana.events[0]["message"]["id"] == received.message_id
    failed = [e for e in lobby_logs() if e["message"] == "stream record not taken"]
    assert len(failed) == 1 and failed[0]["sequence_number"] == "999999999" and "MSG#" in failed[0]["item_key"]


def test_a_batch_of_nothing_readable_is_retried_whole(stream, fan_out, open_console):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    ana = open_console(ANA)
    junk = {"eventID": "e1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
            "dynamodb": {"Keys": {"pk": {"S": "HOTEL#h1#CONV#c1"}, "sk": {"S": "MSG#x"}}, "SequenceNumber": "1",
                         "NewImage": {"pk": {"S": "HOTEL#h1#CONV#c1"}}, "StreamViewType": "NEW_IMAGE"}}

    with pytest.raises(BatchProcessingError):
        fan_out({"Records": [junk]})
    assert ana.frames == []


def test_the_same_records_delivered_twice_are_harmless(service, stream, fan_out, open_console, connections):
    ana, olaf = open_console(ANA), open_console(OLAF)
    service.receive(guest_says("h1", "Bonjour"))
    service.receive(guest_says("h2", "Hello"))
    invocations = stream.batches()

    first = [fan_out(event) for event in invocations]
    once = list(ana.events), list(olaf.events)
    again = [fan_out(copy.deepcopy(event)) for event in invocations]

    assert first == again == [{"batchItemFailures": []}] * len(invocations)
    # The same events again: a console replaces the conversation, the message (by id) and the counts.
    assert ana.events == once[0] * 2 and olaf.events == once[1] * 2
    assert sorted(c.id for c in connections.of_hotel("h1")) == [ana.id]
    # And a record repeated within one invocation is taken once.
    ana.clear()
    doubled = {"Records": invocations[0]["Records"] + copy.deepcopy(invocations[0]["Records"])}
    assert fan_out(doubled) == {"batchItemFailures": []}
    assert [e["type"] for e in ana.events] == ["message", "conversation", "counts"]


def test_a_hotel_nobody_watches_costs_one_query_and_no_call(service, stream, fan_out, open_console, emulator):
    from conversations_helpers import RequestCounter

    from wiring import container

    open_console(OLAF)  # h2 only
    service.receive(guest_says("h1", "Anyone?"))
    invocations = stream.batches()
    main, sockets = RequestCounter(), RequestCounter()
    main.attach(container.store())
    sockets.attach(container.connections())
    posts_before = len(emulator.registry.posts())

    for event in invocations:
        fan_out(event)

    assert len(emulator.registry.posts()) == posts_before
    assert dict(sockets.counts) == {"Query": len(invocations)}  # of_hotel("h1"), once an invocation
    assert dict(main.counts) == {}  # nothing read: nobody would see it


def test_a_message_with_a_file_carries_a_signed_link(service, stream, fan_out, open_console, region):
    import boto3

    from inbox.attachments import hotel_prefix

    boto3.client("s3", region_name=region).create_bucket(
        Bucket="lobby-attachments", CreateBucketConfiguration={"LocationConstraint": region})
    ana = open_console(ANA)
    received = service.receive(guest_says("h1", "Bonjour"))
    kept = service.keep_channel_file("h1", received.conversation_id, "file-1", "photo.png", "image/png", b"\x89PNG" * 10)
    assert kept.key.startswith(hotel_prefix("h1"))
    inbound = guest_says("h1", "Voici la photo", n=2)
    from dataclasses import replace

    service.receive(replace(inbound, attachments=(kept,)))
    fan_out_all(fan_out, stream)

    with_file = [e for e in ana.of_type("message") if e["message"]["attachments"]]
    assert len(with_file) == 1
    (attachment,) = with_file[0]["message"]["attachments"]
    assert attachment["available"] is True and "X-Amz-Signature=" in attachment["url"]


def test_changes_older_than_a_conversation_read_are_still_its_latest_state(service, stream, fan_out, open_console):
    """Two changes of one conversation in one invocation: one conversation event, with the latest state."""
    ana = open_console(ANA)
    cid = service.receive(guest_says("h1", "Bonjour")).conversation_id
    service.close("h1", cid, Actor(ActorType.AGENT, BEN.id, BEN.name))
    (event,) = stream.batches()

    fan_out(event)

    (conversation,) = ana.of_type("conversation")
    assert conversation["conversation"]["status"] == "closed"
    assert ana.of_type("counts")[-1]["tabs"]["closed"] == 1 and ana.of_type("counts")[-1]["tabs"]["open"] == 0


def test_an_event_that_cannot_be_shaped_is_left_out_and_the_others_still_go(service, stream, fan_out, open_console,
                                                                           region, lobby_logs):
    import boto3
    from lobby_env import TABLE

    from store import keys

    ana = open_console(ANA)
    cid = service.receive(guest_says("h1", "Bonjour")).conversation_id
    # An item the API could not show either (a preview over ConversationOut's 140 characters).
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=TABLE, Key={"pk": {"S": keys.conversation_pk("h1", cid)}, "sk": {"S": keys.CONVERSATION_SK}},
        UpdateExpression="SET last_message_preview = :p", ExpressionAttributeValues={":p": {"S": "x" * 300}})

    assert fan_out_all(fan_out, stream) == [{"batchItemFailures": []}]

    assert [e["type"] for e in ana.events] == ["message", "counts"]
    assert [e["event"] for e in lobby_logs() if e["message"] == "event not shaped"] == ["ConversationEvent"]
