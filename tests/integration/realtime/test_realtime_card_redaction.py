"""Real time carries only what is stored: a guest's card number reaches the consoles masked, in the message
(with its ``redactions``) and in the conversation's preview, and no frame holds the number."""

from __future__ import annotations

import re

from realtime_fanout_helpers import ANA, guest_says

CARD = "4111 1111 1111 1111"


def test_a_card_number_reaches_the_consoles_masked_with_its_redactions(service, stream, fan_out, open_console):
    ana = open_console(ANA)
    service.receive(guest_says("h1", f"Ma carte : {CARD}, merci"))
    for event in stream.batches():
        assert fan_out(event) == {"batchItemFailures": []}

    (message,) = ana.of_type("message")
    assert message["message"]["text"] == "Ma carte : •••• 1111, merci"
    assert message["message"]["redactions"] == ["card_number"]
    (conversation,) = ana.of_type("conversation")
    assert conversation["conversation"]["last_message_preview"] == "Ma carte : •••• 1111, merci"
    assert all(CARD.replace(" ", "") not in re.sub(r"[^0-9]", "", frame) for frame in ana.frames)
