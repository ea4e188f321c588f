"""``python -m admin``'s team and bot commands write the audit log of each hotel they touch: create-agent,
set-agent-hotels, set-role and set-bot, by the Operator who ran them (the OS user); an agent is named by its
Cognito sub, never its email or name."""

from __future__ import annotations

import getpass
import json

from auth_helpers import PASSWORD

from inbox.audit import AGENT_CREATED, AGENT_HOTELS_CHANGED, BOT_UPDATED, ROLE_CHANGED, AuditTarget
from inbox.model import Actor, ActorType

EMAIL = "ana@lumiere.example"


def entries(store, hotel_id: str) -> list:
    return list(reversed(store.list_audit(hotel_id, 50).items))  # oldest first


def test_an_agents_creation_hotels_and_role_are_in_each_hotels_log(admin_cli, cognito, pool, store, hotels):
    code, out, err = admin_cli("create-agent", "--user-pool-id", pool.id, "--email", EMAIL, "--name", "Ana Lima",
                         "--password", PASSWORD, "--hotel-ids", "h1,h2")
    assert code == 0, err
    sub = out.split("(sub ")[1].split(")")[0]
    assert admin_cli("set-agent-hotels", "--user-pool-id", pool.id, "--email", EMAIL, "--hotel-ids", "h2,h3")[0] == 0
    assert admin_cli("set-role", "--user-pool-id", pool.id, "--email", EMAIL, "--role", "admin")[0] == 0

    operator = Actor(ActorType.OPERATOR, getpass.getuser(), getpass.getuser())
    h1, h2, h3 = (entries(store, h) for h in ("h1", "h2", "h3"))
    assert [e.action for e in h1] == [AGENT_CREATED, AGENT_HOTELS_CHANGED]  # it left h1: no role change there
    assert [e.action for e in h2] == [AGENT_CREATED, AGENT_HOTELS_CHANGED, ROLE_CHANGED]
    assert [e.action for e in h3] == [AGENT_HOTELS_CHANGED, ROLE_CHANGED]
    assert {e.target for e in h1 + h2 + h3} == {AuditTarget("agent", sub)}
    assert {e.actor for e in h1 + h2 + h3} == {operator}
    assert h1[0].details == {"role": "agent", "hotels": ["h1", "h2"]}
    assert h3[0].details == {"hotels": {"from": ["h1", "h2"], "to": ["h2", "h3"]}}
    assert h3[1].details == {"role": {"from": "agent", "to": "admin"}}
    text = repr(h1 + h2 + h3) + json.dumps([e.details for e in h1 + h2 + h3])
    assert EMAIL not in text and "Ana Lima" not in text


def test_set_bot_is_in_the_hotels_log_with_the_change(admin_cli, store, hotels, tmp_path):
    assert admin_cli("set-bot", "--hotel-id", "h1")[0] == 0  # the sample knowledge base
    bot = tmp_path / "bot.json"
    bot.write_text(json.dumps({"enabled": True, "entries": []}), encoding="utf-8")
    assert admin_cli("set-bot", "--hotel-id", "h1", "--file", str(bot), "--off")[0] == 0

    loaded, emptied = entries(store, "h1")

    assert (loaded.action, loaded.target) == (BOT_UPDATED, AuditTarget("bot", "h1"))
    count = loaded.details["entries"]["to"]
    assert count > 0 and loaded.details["entries"]["added"] == count
    assert emptied.details["enabled"] == {"from": True, "to": False}
    assert emptied.details["entries"] == {"from": count, "to": 0, "added": 0, "removed": count, "changed": 0}
    assert entries(store, "h2") == []
