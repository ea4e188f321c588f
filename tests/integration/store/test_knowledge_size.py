"""A hotel's knowledge base fits on its item (DynamoDB's 400 KB limit), or is refused clearly.

moto does not enforce the item limit on every path, so the stored item's size is computed here
the way DynamoDB counts it (attribute names plus values)."""

from __future__ import annotations

import json
import math
import random
import re
import string

import boto3
import pytest

from bot.samples import sample_knowledge_base
from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.errors import TooLarge
from store.knowledge import MAX_KNOWLEDGE_KB, knowledge_json

DYNAMODB_ITEM_LIMIT = 400 * 1024
LANGUAGES = ("fr", "en", "es", "pt", "de", "it")


def item_size(item: dict) -> int:
    """An item's size as DynamoDB counts it (docs: "Item sizes and formats")."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "B":
        return len(v)
    if kind == "N":
        return math.ceil(len(v.strip("-").replace(".", "").strip("0") or "0") / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(value_size(x) + 1 for x in v)
    return sum(len(x.encode()) if isinstance(x, str) else len(x) for x in v)  # sets


def realistic_knowledge(entries: int = 200) -> KnowledgeBase:
    """``entries`` entries, each with three example questions and one answer in six languages, written
    with the words of the sample hotel's own questions and answers (so it compresses like real text)."""
    words: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for entry in sample_knowledge_base().entries:
        for lang, answer in entry.answers.items():
            words.setdefault(lang, []).extend(re.findall(r"\w+", answer))
        for question in entry.questions:
            words["en"].extend(re.findall(r"\w+", question))
    pool = sorted({w for ws in words.values() for w in ws})
    rng = random.Random(10)

    def sentence(lang: str, n: int) -> str:
        own = words[lang] or pool
        return " ".join(rng.choice(own if rng.random() < 0.8 else pool) for _ in range(n)).capitalize() + "."

    return KnowledgeBase(
        default_language="fr", trusted_domains=("hotel-lumiere.fr",),
        entries=tuple(KnowledgeEntry(
            id=f"entry_{n:03d}", topic=sentence("en", 3),
            questions=tuple(sentence(lang, 9) for lang in LANGUAGES for _ in range(3)),
            answers={lang: sentence(lang, 60) for lang in LANGUAGES},
        ) for n in range(entries)),
    )


def json_kb(knowledge: KnowledgeBase) -> int:
    return len(json.dumps(knowledge_json(knowledge), ensure_ascii=False).encode())


def stored_item(table, region, hotel_id):
    return boto3.client("dynamodb", region_name=region).get_item(
        TableName=table, Key={"pk": {"S": f"HOTEL#{hotel_id}"}, "sk": {"S": "PROFILE"}})["Item"]


def test_a_realistic_knowledge_base_of_200_entries_in_6_languages_fits_on_the_hotel_item(
        store, table, region, hotel, requests_sent):
    knowledge = realistic_knowledge()
    assert json_kb(knowledge) > 550 * 1024  # what the red team sent: about 600 KB of JSON
    store.set_bot(hotel.id, True, knowledge)
    size = item_size(stored_item(table, region, hotel.id))
    assert size < DYNAMODB_ITEM_LIMIT, size
    requests_sent.reset()
    assert store.get_hotel(hotel.id).knowledge == knowledge  # reads back whole, in one GetItem
    assert requests_sent.counts == {"GetItem": 1}


def test_a_knowledge_base_that_cannot_fit_is_refused_and_the_old_one_stays(store, table, region, hotel):
    store.set_bot(hotel.id, True, sample_knowledge_base())
    rng = random.Random(7)  # text that does not compress: about 1 MB of random letters
    noise = KnowledgeBase(entries=tuple(
        KnowledgeEntry(f"e{n}", "noise", ("?",), {"en": "".join(rng.choices(string.ascii_letters + string.digits, k=5000))})
        for n in range(200)))
    with pytest.raises(TooLarge, match=f"at most {MAX_KNOWLEDGE_KB} KB"):
        store.set_bot(hotel.id, False, noise)
    kept = store.get_hotel(hotel.id)
    assert kept.knowledge == sample_knowledge_base() and kept.bot_enabled


def test_a_knowledge_base_stored_before_compression_still_reads(store, table, region, hotel):
    legacy = knowledge_json(sample_knowledge_base())
    boto3.client("dynamodb", region_name=region).update_item(
        TableName=table, Key={"pk": {"S": f"HOTEL#{hotel.id}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET knowledge = :k REMOVE knowledge_z", ExpressionAttributeValues={":k": {"S": json.dumps(legacy)}})
    assert store.get_hotel(hotel.id).knowledge == sample_knowledge_base()
    store.set_bot(hotel.id, True, sample_knowledge_base())  # the next write moves it to the compressed form
    assert "knowledge" not in stored_item(table, region, hotel.id)
