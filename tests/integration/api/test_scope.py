"""Every route called with another hotel's ids answers 403 or 404 and leaks nothing."""

from __future__ import annotations

import json

import pytest

ROUTES = [
    ("GET", "/v1/hotels/{h}/inbox", None),
    ("GET", "/v1/hotels/{h}/conversations?tab=all", None),
    ("GET", "/v1/hotels/{h}/conversations/{c}", None),
    ("GET", "/v1/hotels/{h}/conversations/{c}/messages", None),
    ("GET", "/v1/hotels/{h}/conversations/{c}/activity", None),
    ("POST", "/v1/hotels/{h}/conversations/{c}/messages", {"text": "hi"}),
    ("POST", "/v1/hotels/{h}/conversations/{c}/hold", {"until": "2099-01-01T00:00:00Z"}),
    ("POST", "/v1/hotels/{h}/conversations/{c}/close", None),
    ("POST", "/v1/hotels/{h}/conversations/{c}/reopen", None),
    ("POST", "/v1/hotels/{h}/conversations/{c}/spam", None),
    ("POST", "/v1/hotels/{h}/conversations/{c}/not-spam", None),
    ("POST", "/v1/hotels/{h}/conversations/{c}/attachments", {"name": "a.pdf", "content_type": "application/pdf",
                                                               "size": 10}),
    ("GET", "/v1/hotels/{h}/channels", None),
]


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
def test_another_hotel_is_403(api, opened, elsewhere, method, template, body):
    reply = api.call(method, template.format(h="h2", c="c-h2"), body=body)
    assert reply.status == 403
    assert "c-h2" not in json.dumps(reply.json) and "I need a person" not in json.dumps(reply.json)


@pytest.mark.parametrize(("method", "template", "body"), [r for r in ROUTES if "{c}" in r[1]])
def test_another_hotels_conversation_under_my_hotel_is_404(api, store, opened, elsewhere, method, template, body):
    before = store.get_conversation("h2", "c-h2")
    reply = api.call(method, template.format(h="h1", c="c-h2"), body=body)
    assert reply.status == 404
    assert "I need a person" not in json.dumps(reply.json)
    assert store.get_conversation("h2", "c-h2") == before  # and nothing changed there
