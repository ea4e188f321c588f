"""An erase while the guest writes again (moto; the guest's message injected at each step of the erase through a
wrapper of the store): it ends with nothing of the guest, or with one whole new conversation (its contact, its
messages, its counts), never a half-erased one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from guest_data_helpers import GUEST, PERSONAL, files_under, guest_with_history, held_anywhere, recount

from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Reservation
from store import keys


@pytest.fixture
def history(api, hotels, bucket, team):
    return guest_with_history(api, team)


@pytest.fixture
def live():
    from wiring.container import inbox, store

    return store(), inbox()


def guest_writes(inbox, thread: str, n: int):
    """The guest's message, through the same pipeline as a partner's hand-in."""
    profile = GuestProfile(GUEST["external_id"], GUEST["name"], GUEST["email"], GUEST["phone"], GUEST["language"],
                           (Reservation("RES-QX-778"),))
    return inbox.receive(InboundMessage("h1", "webchat", thread, f"{thread}-late-{n}", "Vous êtes là ? chambre 12",
                                        datetime.now(UTC), profile, wants_human=True))


def once(before=None, after=None):
    """Wrap a store method: ``before`` runs ahead of its first call, ``after`` behind it; later calls are plain."""
    def wrap(method):
        calls = []

        def wrapped(*args, **kwargs):
            first = not calls
            calls.append(1)
            if first and before:
                before()
            result = method(*args, **kwargs)
            if first and after:
                after()
            return result
        return wrapped
    return wrap


def erase(api, history, team):
    reply = api.post(f"/v1/hotels/h1/contacts/{history.contact_id}/erase", as_=team["camille"])
    assert reply.status == 202, reply.json
    return reply.json["receipt"]["items"]


def nothing_left(table, region, ids, personal=PERSONAL) -> bool:
    left = held_anywhere(table, region, [*ids, *personal])
    return all(i["pk"]["S"] == keys.audit_pk("h1") for where in left.values() for i in where) and all(
        files_under(region, "h1", c) == [] for c in ids)


def counts_are_a_recount(api, team) -> bool:
    return all(api.get("/v1/hotels/h1/inbox", as_=c).json == recount(api, c) for c in (team["camille"], team["ben"]))


def test_a_message_in_a_conversation_being_erased_is_erased_with_it(api, history, team, table, region, live,
                                                                     monkeypatch):
    store, inbox = live
    late = []
    monkeypatch.setattr(store, "erase_conversation", once(before=lambda: late.append(
        guest_writes(inbox, "wc-q-1", 1)))(store.erase_conversation))
    items = erase(api, history, team)
    assert late[0].conversation_id == history.conversations[0] and not late[0].duplicate
    assert items["conversations"] == 3
    assert nothing_left(table, region, history.conversations) and counts_are_a_recount(api, team)


def test_a_new_conversation_started_before_the_contact_goes_is_erased_in_another_round(api, history, team, table,
                                                                                        region, live, monkeypatch):
    store, inbox = live
    new = []
    monkeypatch.setattr(store, "erase_contact", once(before=lambda: new.append(
        guest_writes(inbox, "wc-q-new", 1).conversation_id))(store.erase_contact))
    items = erase(api, history, team)
    assert items["conversations"] == 4 and items["contact"] == 1
    assert nothing_left(table, region, [*history.conversations, *new]) and counts_are_a_recount(api, team)


def test_a_message_after_the_erase_starts_one_whole_new_conversation(api, history, team, table, region, live,
                                                                     monkeypatch):
    store, inbox = live
    new = []
    monkeypatch.setattr(store, "erase_contact", once(after=lambda: new.append(
        guest_writes(inbox, "wc-q-1", 7).conversation_id))(store.erase_contact))  # in one of the erased threads
    items = erase(api, history, team)
    assert items["conversations"] == 3 and items["contact"] == 1
    (conversation_id,) = new
    # Whole: the conversation with its guest, its one message and its activity, in the counts and its tab.
    admin = team["camille"]
    shown = api.get(f"/v1/hotels/h1/conversations/{conversation_id}", as_=admin).json
    assert shown["contact"]["name"] == GUEST["name"] and shown["status"] == "open"
    assert [m["text"] for m in api.get(f"/v1/hotels/h1/conversations/{conversation_id}/messages",
                                       as_=admin).json["items"]] == ["Vous êtes là ? chambre 12"]
    assert [a["type"] for a in api.get(f"/v1/hotels/h1/conversations/{conversation_id}/activity",
                                       as_=admin).json["items"]][-1] == "created"
    assert store.current_contact("h1", history.contact_id).conversation_ids == {conversation_id}
    assert counts_are_a_recount(api, team)
    assert api.get("/v1/hotels/h1/inbox", as_=admin).json["tabs"]["open"] == 2
    # Nothing of what was erased came back: the other erased conversations, their files, the old messages.
    assert nothing_left(table, region, history.conversations[1:], personal=())
    assert files_under(region, "h1", conversation_id) == []
    old = held_anywhere(table, region, ["passeport", "formulaire", "RES-QX-778 "])
    assert all(i["pk"]["S"] == keys.audit_pk("h1") for where in old.values() for i in where)
    # ... and erasing again leaves nothing at all.
    erase(api, history, team)
    assert nothing_left(table, region, [*history.conversations, conversation_id])


@pytest.fixture
def one_request_at_a_time(monkeypatch):
    """moto's requests, each served whole before the next, as DynamoDB serves each request (and isolates each
    transaction). moto does not: a transaction that fails puts back the tables as they were when it began,
    undoing what another thread's requests wrote or deleted meanwhile."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock, serve = threading.Lock(), BotocoreStubber.process_request

    def served_alone(self, request):
        with lock:
            return serve(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", served_alone)


def test_an_erase_while_the_guest_keeps_writing_in_a_thread_leaves_whole_conversations_or_none(
        api, history, team, table, region, live, one_request_at_a_time):
    """Real interleaving: the guest's messages (in an erased thread and in new ones) come from another thread
    while the erase runs; whatever the order, each of the guest's conversations is whole or gone."""
    import threading

    from inbox.inbound import conversation_id_for

    store, inbox = live
    threads = ["wc-q-1", *(f"wc-live-{n}" for n in range(4))]
    failures: list[BaseException] = []
    started = threading.Event()

    def writes() -> None:
        try:
            for n in range(10):
                guest_writes(inbox, threads[n % len(threads)], 100 + n)
                started.set()
        except BaseException as error:  # reported below
            failures.append(error)
            started.set()

    writer = threading.Thread(target=writes)
    writer.start()
    started.wait()
    first = api.post(f"/v1/hotels/h1/contacts/{history.contact_id}/erase", as_=team["camille"])
    writer.join()
    assert failures == [] and first.status in (202, 409), (failures, first.json)

    ids = {*history.conversations, *(conversation_id_for("h1", "webchat", t) for t in threads)}
    admin = team["camille"]
    remaining = [c for c in ids if api.get(f"/v1/hotels/h1/conversations/{c}", as_=admin).status == 200]
    for conversation_id in remaining:  # whole: its messages and its activity from its start
        base = f"/v1/hotels/h1/conversations/{conversation_id}"
        assert api.get(f"{base}/messages", as_=admin).json["items"]
        assert [a["type"] for a in api.get(f"{base}/activity?limit=100", as_=admin).json["items"]][-1] == "created"
    gone = ids - set(remaining)
    assert nothing_left(table, region, sorted(gone), personal=())  # nothing of a conversation that went
    contact = store.current_contact("h1", history.contact_id)
    assert (contact is None) == (not remaining)
    assert contact is None or set(remaining) <= contact.conversation_ids
    assert counts_are_a_recount(api, team)
    # Once the guest is quiet, erasing again (or for the first time, after a 409) leaves nothing at all.
    if contact is not None:
        assert api.post(f"/v1/hotels/h1/contacts/{history.contact_id}/erase", as_=admin).status == 202
    assert nothing_left(table, region, sorted(ids)) and counts_are_a_recount(api, team)
