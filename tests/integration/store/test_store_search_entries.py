"""Search entries: written in the conversation's transaction and with profile saves; a lookup is one Query
(begins_with on the hotel's FIND partition), the conversations found one BatchGetItem."""

from __future__ import annotations

import boto3
from conversations_helpers import GUEST

from inbox.machine import start_conversation
from inbox.model import Contact, Reservation
from inbox.ports import SearchEntry
from inbox.search import entry_terms, lookups, matching_ids
from store import keys


def create_with(store, conversation_id, contact, at):
    outcome = start_conversation(conversation_id=conversation_id, hotel_id="h1", channel="webchat", at=at,
                                 actor=GUEST, contact_id=contact.id, contact_name=contact.name,
                                 external_conversation_id=f"thread-{conversation_id}")
    return store.commit(None, outcome.conversation, [outcome.activity], contact=contact,
                        search=entry_terms(outcome.conversation, contact))


def search(store, q):
    """What the core's search does: one find a lookup, then one batch read."""
    plan = lookups(q)
    ids = matching_ids((lookup, store.find("h1", lookup.prefix, 100)) for lookup in plan)
    return [c.id for c in store.get_conversations("h1", ids)] if ids else []


def test_entries_ride_on_the_creating_transaction(store, now, requests_sent):
    guest = Contact(id="g1", hotel_id="h1", channel="webchat", name="Camille Durand", email="camille@example.fr",
                    phone="+33 6 12 34 56 78", reservations=(Reservation("RES-4411"),))
    requests_sent.reset()
    create_with(store, "c1", guest, now)
    (name, params), = requests_sent.calls
    assert name == "TransactWriteItems"
    puts = [i["Put"]["Item"]["sk"]["S"] for i in params["TransactItems"] if "Put" in i]
    assert keys.find_sk("durand", "name", "c1") in puts and keys.find_sk("res-4411", "reservation", "c1") in puts


def test_each_lookup_is_one_query_and_one_batch_read(store, now, requests_sent):
    create_with(store, "c1", Contact(id="g1", hotel_id="h1", channel="webchat", name="Camille Durand",
                                     phone="+33 6 12 34 56 78", reservations=(Reservation("RES-4411"),)), now)
    create_with(store, "c2", Contact(id="g2", hotel_id="h1", channel="webchat", name="Émile Dupont"), now)
    requests_sent.reset()
    assert search(store, "dur") == ["c1"]
    assert requests_sent.counts == {"Query": 1, "BatchGetItem": 1}
    requests_sent.reset()
    assert search(store, "06 12 34 56 78") == ["c1"]  # the digits and, without the 0, the last 9 digits
    assert requests_sent.counts == {"Query": len(lookups("06 12 34 56 78")), "BatchGetItem": 1}
    assert search(store, "emile") == ["c2"] and search(store, "RES-4411") == ["c1"]
    assert search(store, "thread-c2") == ["c2"] and search(store, "zzz") == []
    (query,) = [p for n, p in requests_sent.calls if n == "Query"][-1:]
    assert query["KeyConditionExpression"].count("begins_with") == 1 and "IndexName" not in query


def test_find_reads_by_prefix_only_in_its_hotel(store, requests_sent):
    store.save_profile(Contact(id="g1", hotel_id="h1", channel="webchat", name="Ana"),
                       search=[SearchEntry("ana", "name", "c1", "ana"), SearchEntry("anabel", "name", "c2", "anabel")])
    store.save_profile(Contact(id="g9", hotel_id="h2", channel="webchat", name="Ana"),
                       search=[SearchEntry("ana", "name", "c9", "ana")])
    requests_sent.reset()
    assert [e.conversation_id for e in store.find("h1", "ana", 100)] == ["c1", "c2"]
    assert store.find("h1", "anab", 100) == [SearchEntry("anabel", "name", "c2", "anabel")]
    assert requests_sent.counts == {"Query": 2}
    assert store.find("h1", "", 100) == []


def test_a_profile_save_over_the_transaction_limit_still_writes_every_entry(store, requests_sent):
    entries = [SearchEntry(f"term{n:03d}", "reservation", "c1") for n in range(130)]
    store.save_profile(Contact(id="g1", hotel_id="h1", channel="webchat"), guards=["ping"], search=entries)
    assert requests_sent.counts["TransactWriteItems"] == 1
    transaction = next(p for n, p in requests_sent.calls if n == "TransactWriteItems")
    assert len(transaction["TransactItems"]) == 100
    assert len(store.find("h1", "term", 200)) == 130


def test_a_bad_entry_is_skipped(store, table, region, now):
    reported = []
    store.on_unreadable = lambda key, error: reported.append(key)
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item={
        "pk": {"S": keys.find_pk("h1")}, "sk": {"S": "duff"}})
    store.save_profile(Contact(id="g1", hotel_id="h1", channel="webchat"),
                       search=[SearchEntry("dupont", "name", "c1", "dupont")])
    assert [e.term for e in store.find("h1", "du", 100)] == ["dupont"] and len(reported) == 1
