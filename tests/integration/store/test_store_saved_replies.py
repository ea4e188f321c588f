"""Saved replies (pk HOTEL#<h>, sk REPLY#<id>) and the hotel's reply target."""

from __future__ import annotations

import boto3
import pytest

from inbox.errors import NotFound
from inbox.model import SavedReply
from inbox.ports import Hotel
from store import keys


def reply(rid, title, **texts):
    return SavedReply(id=rid, hotel_id="h1", title=title, shortcut=rid, texts=texts or {"fr": "Bonjour"})


def test_replies_are_listed_by_title_in_one_query(store, requests_sent):
    store.put_hotel(Hotel("h1", "Lumière"))
    store.put_reply(reply("parking", "Parking", fr="Le parking", en="Parking"))
    store.put_reply(reply("checkin", "Arrivée", fr="Bienvenue {guest.first_name|Madame, Monsieur}"))
    store.put_reply(SavedReply(id="x", hotel_id="h2", title="Other hotel", shortcut="x", texts={"fr": "x"}))
    requests_sent.reset()
    listed = store.list_replies("h1")
    assert [r.id for r in listed] == ["checkin", "parking"] and requests_sent.counts == {"Query": 1}
    assert listed[1].texts == {"fr": "Le parking", "en": "Parking"}
    assert store.get_reply("h1", "checkin") == listed[0]
    assert store.get_reply("h2", "checkin") is None


def test_put_replaces_and_delete_says_whether_there_was_one(store):
    store.put_reply(reply("merci", "Merci"))
    store.put_reply(reply("merci", "Merci beaucoup", en="Thanks"))
    assert store.get_reply("h1", "merci").title == "Merci beaucoup"
    assert store.delete_reply("h1", "merci") is True
    assert store.delete_reply("h1", "merci") is False
    assert store.list_replies("h1") == []


def test_an_unreadable_reply_is_left_out_of_the_list(store, table, region):
    reported = []
    store.on_unreadable = lambda key, error: reported.append(key)
    boto3.client("dynamodb", region_name=region).put_item(TableName=table, Item={
        "pk": {"S": keys.hotel_pk("h1")}, "sk": {"S": keys.reply_sk("bad")}, "title": {"N": "3"}})
    store.put_reply(reply("ok", "Fine"))
    assert [r.id for r in store.list_replies("h1")] == ["ok"] and len(reported) == 1


def test_the_reply_target_reads_back_into_the_hotel(store, table, region):
    with pytest.raises(NotFound):
        store.set_reply_target("h1", 30)
    store.put_hotel(Hotel("h1", "Lumière"))
    store.set_reply_target("h1", 240)
    assert store.get_hotel("h1").reply_target_minutes == 240
    store.set_reply_target("h1", None)
    raw = boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": keys.hotel_pk("h1")}, "sk": {"S": keys.HOTEL_SK}})["Item"]
    assert "reply_target_minutes" not in raw and store.get_hotel("h1").reply_target_minutes is None
    store.put_hotel(Hotel("h1", "Lumière", reply_target_minutes=45))
    assert store.get_hotel("h1").reply_target_minutes == 45
