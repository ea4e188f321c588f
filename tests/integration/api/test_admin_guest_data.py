"""``python -m admin export-guest`` / ``erase-guest`` (in-process, on moto): the API's export as a JSON file, the
erase's receipt printed, each audited as the Operator who ran it; an unknown contact exits 2 with one line."""

from __future__ import annotations

import getpass
import json

import pytest
from guest_data_helpers import PERSONAL, guest_with_history, held_anywhere

from inbox.audit import ERASED, EXPORTED
from inbox.model import ActorType
from store import keys


@pytest.fixture
def history(api, hotels, bucket, team):
    return guest_with_history(api, team)


def test_export_guest_writes_the_apis_export_and_erase_guest_prints_the_receipt(admin_cli, api, history, team, store,
                                                                                 table, region, tmp_path):
    out = tmp_path / "guest.json"
    code, said, _ = admin_cli("export-guest", "--hotel-id", "h1", "--contact-id", history.contact_id, "--out", str(out))
    assert code == 0 and str(out) in said
    exported = json.loads(out.read_text(encoding="utf-8"))
    via_api = api.get(f"/v1/hotels/h1/contacts/{history.contact_id}/export", as_=team["camille"]).json
    assert exported["contact"] == via_api["contact"]
    assert [[m["id"] for m in c["messages"]] for c in exported["conversations"]] == \
        [[m["id"] for m in c["messages"]] for c in via_api["conversations"]]

    code, said, _ = admin_cli("erase-guest", "--hotel-id", "h1", "--contact-id", history.contact_id)
    assert code == 0
    receipt = json.loads(said)
    assert receipt["contact_id"] == history.contact_id and receipt["items"]["conversations"] == 3
    left = held_anywhere(table, region, [*history.conversations, *PERSONAL])
    assert all(i["pk"]["S"] == keys.audit_pk("h1") for where in left.values() for i in where)
    entries = {e.action: e for e in store.list_audit("h1", 50).items if e.action in (EXPORTED, ERASED)}
    for entry in entries.values():
        assert (entry.actor.type, entry.actor.id) == (ActorType.OPERATOR, getpass.getuser())
    assert dict(entries[ERASED].details) == receipt["items"]


def test_an_unknown_contact_is_refused_with_one_line(admin_cli, history):
    for command in ("export-guest", "erase-guest"):
        code, _, err = admin_cli(command, "--hotel-id", "h1", "--contact-id", "ct_nobody")
        assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
        assert "ct_nobody" in err
