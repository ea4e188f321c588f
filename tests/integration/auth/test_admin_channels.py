"""The admin command connects a hotel to Expedia and loads its bot's knowledge base."""

from __future__ import annotations

import json

from admin.__main__ import main as admin_main


def run(*args, table, region) -> int:
    return admin_main([*args, "--table", table, "--region", region])


def test_create_a_hotel_with_its_expedia_property_and_the_sample_bot(store, table, region, capsys):
    assert run("create-hotel", "--hotel-id", "h-lumiere", "--name", "Hôtel Lumière",
               "--expedia-property-id", "12345678", table=table, region=region) == 0
    assert store.hotel_for_expedia_property("12345678") == "h-lumiere"
    assert store.get_hotel("h-lumiere").expedia_property_id == "12345678"
    assert run("set-bot", "--hotel-id", "h-lumiere", table=table, region=region) == 0
    hotel = store.get_hotel("h-lumiere")
    assert hotel.bot_enabled and len(hotel.knowledge.entries) >= 12
    assert "bot on" in capsys.readouterr().out


def test_a_property_cannot_belong_to_two_hotels(store, table, region, capsys):
    run("create-hotel", "--hotel-id", "h1", "--name", "One", "--expedia-property-id", "777", table=table, region=region)
    run("create-hotel", "--hotel-id", "h2", "--name", "Two", table=table, region=region)
    assert run("connect-expedia", "--hotel-id", "h2", "--property-id", "777", table=table, region=region) == 2
    assert "already belongs to hotel h1" in capsys.readouterr().err
    assert store.hotel_for_expedia_property("777") == "h1"


def test_set_bot_from_a_file_and_off(store, table, region, tmp_path):
    run("create-hotel", "--hotel-id", "h1", "--name", "One", table=table, region=region)
    path = tmp_path / "bot.json"
    path.write_text(json.dumps({"default_language": "fr", "entries": [
        {"id": "wifi", "topic": "wifi", "questions": ["mot de passe wifi ?"], "answers": {"fr": "Le code est LUMIERE."}}]}))
    assert run("set-bot", "--hotel-id", "h1", "--file", str(path), "--off", table=table, region=region) == 0
    hotel = store.get_hotel("h1")
    assert hotel.bot_enabled is False and hotel.knowledge.entries[0].answers == {"fr": "Le code est LUMIERE."}
