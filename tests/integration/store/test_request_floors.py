"""How many DynamoDB requests each store operation sends, counted from botocore's events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.awsrequest import AWSResponse
from conversations_helpers import AGENT, open_one

from inbox.attachments import MAX_ATTACHMENTS_PER_MESSAGE, Upload, storage_key
from inbox.machine import AgentReply, Close, Hold, apply
from inbox.model import Attachment, Delivery, Direction, Message, Sender, Tab


@pytest.fixture
def opened(store, now):
    return [open_one(store, "h1", f"c{n}", now + timedelta(minutes=n)) for n in range(30)]


def test_a_tab_page_is_one_query_on_its_index(store, opened, requests_sent):
    page = store.list_tab("h1", Tab.OPEN, limit=25)
    assert len(page.items) == 25
    (name, params), = requests_sent.calls
    assert name == "Query" and params["IndexName"] == "tab-open" and params["Limit"] == 26
    requests_sent.reset()
    store.list_tab("h1", Tab.OPEN, limit=25, cursor=page.next_cursor)
    assert requests_sent.counts == {"Query": 1}


def test_tab_counts_are_one_read(store, opened, requests_sent):
    counts = store.tab_counts("h1")
    assert counts[Tab.OPEN] == 30 and counts[Tab.ALL] == 30
    assert requests_sent.counts == {"Query": 1}


def test_a_change_of_status_is_one_transaction(store, opened, requests_sent, now):
    c = opened[0]
    outcome = apply(c, Hold(AGENT, now + timedelta(hours=1), now + timedelta(minutes=40)))
    store.commit(c, outcome.conversation, [outcome.activity])
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems"
    kinds = sorted(next(iter(item)) for item in params["TransactItems"])
    assert kinds == ["Put", "Update", "Update"]  # activity entry; conversation and counter shard


def test_a_transaction_conflict_is_retried_with_backoff(store, opened, requests_sent, now):
    """moto never raises TransactionConflict: inject one through botocore's before-call hook."""
    injected = []

    def conflict_once(model, **_):
        if model.name == "TransactWriteItems" and not injected:
            injected.append(1)
            error = {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                     "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}, {"Code": "None"}],
                     "ResponseMetadata": {"HTTPStatusCode": 400}}
            return AWSResponse("https://dynamodb.invalid", 400, {}, None), error
        return None

    for client in store.botocore_clients():
        client.meta.events.register_first("before-call.dynamodb", conflict_once)
    c = opened[0]
    outcome = apply(c, Close(AGENT, now + timedelta(minutes=40)))
    store.commit(c, outcome.conversation, [outcome.activity])
    assert injected == [1]
    assert requests_sent.counts == {"TransactWriteItems": 2}
    assert store.get_conversation("h1", c.id).status.value == "closed"
    assert store.tab_counts("h1")[Tab.CLOSED] == 1


# --- issue 11: attachments, uploads, delivery claims, channel health ----------------------------


def _reply_with_files(store, conversation, at, files=()):
    outcome = apply(conversation, AgentReply(AGENT, "Voici", at))
    message = Message(id="m-files", conversation_id=conversation.id, hotel_id=conversation.hotel_id,
                      direction=Direction.OUTBOUND, sender=Sender.AGENT, text="Voici", sent_at=at,
                      agent_id=AGENT.id, delivery=Delivery.PENDING, attachments=tuple(files))
    store.commit(conversation, outcome.conversation, [], [message])
    return message


FILES = tuple(Attachment(id=f"att_{n}", name=f"plan-{n}.png", content_type="image/png", size=2_000 + n,
                         key=storage_key("h1", "c0", f"att_{n}")) for n in range(MAX_ATTACHMENTS_PER_MESSAGE))


def test_a_message_with_ten_attachments_is_one_transaction_and_its_page_one_query(store, opened, requests_sent, now):
    _reply_with_files(store, opened[0], now + timedelta(hours=1), FILES)
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems"  # the files ride on the message item: no item of their own
    assert sorted(next(iter(item)) for item in params["TransactItems"]) == ["Put", "Update"]
    requests_sent.reset()
    (listed,) = store.list_messages("h1", "c0", limit=25).items
    assert listed.attachments == FILES
    assert requests_sent.counts == {"Query": 1}


def test_granting_an_upload_is_one_put_and_a_replys_uploads_one_batch_get(store, opened, requests_sent, now):
    for n in range(MAX_ATTACHMENTS_PER_MESSAGE):
        store.save_upload(Upload(id=f"up_{n}", hotel_id="h1", conversation_id="c0", name=f"f{n}.pdf",
                                 content_type="application/pdf", size=10 + n, key=storage_key("h1", "c0", f"up_{n}"),
                                 created_at=now))
    assert requests_sent.counts == {"PutItem": MAX_ATTACHMENTS_PER_MESSAGE}
    requests_sent.reset()
    assert len(store.get_uploads("h1", "c0", [f"up_{n}" for n in range(MAX_ATTACHMENTS_PER_MESSAGE)])) == 10
    (name, params), = requests_sent.calls
    assert name == "BatchGetItem" and len(params["RequestItems"][store.table_name]["Keys"]) == 10
    requests_sent.reset()
    assert store.get_uploads("h1", "c0", []) == []
    assert requests_sent.counts == {}


def test_a_claim_and_its_release_are_one_update_each(store, opened, requests_sent, now):
    message = _reply_with_files(store, opened[0], now + timedelta(hours=1))
    requests_sent.reset()
    assert store.claim_delivery(message, "job-a", now + timedelta(minutes=2), now)
    assert not store.claim_delivery(message, "job-b", now + timedelta(minutes=2), now)  # the loser too
    store.release_delivery(message, "job-a")
    assert requests_sent.counts == {"UpdateItem": 3}
    requests_sent.reset()
    store.mark_delivered(message, "exp-1", "expedia-message:exp-1")  # unchanged by the claim's removal
    assert requests_sent.counts == {"TransactWriteItems": 1}


def test_each_channel_health_note_is_one_update_and_the_health_one_get(store, requests_sent, now):
    store.note_notification("h1", "expedia", now)
    store.note_notification("h1", "expedia", now - timedelta(minutes=1))  # refused by its condition: still one
    store.note_blocked_reply("h1", "expedia", now)
    store.note_reconciled("h1", "expedia", now, 2, "timeout")
    assert requests_sent.counts == {"UpdateItem": 4}
    requests_sent.reset()
    assert store.channel_health("h1", "expedia").undelivered == 2
    assert requests_sent.counts == {"GetItem": 1}


def test_noting_a_reconciliation_run_is_one_update_and_reading_it_one_get(store, requests_sent, now):
    store.note_run("expedia", now)
    store.note_run("expedia", now - timedelta(hours=1))  # refused by its condition: still one request
    assert requests_sent.counts == {"UpdateItem": 2}
    requests_sent.reset()
    assert store.last_run("expedia") is not None
    assert requests_sent.counts == {"GetItem": 1}
