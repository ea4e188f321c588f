"""Card numbers never stored: the masking rules (``inbox.redaction``) and where the core applies them, on fakes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fakes import ANA, T0, world
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.inbound import GuestProfile, InboundMessage
from inbox.model import Actor, ActorType, Attachment, Status
from inbox.redaction import MASK, SEPARATORS, luhn, redact_cards, redact_text, redact_value

AS_ANA = Actor(ActorType.AGENT, ANA.id, ANA.name)
VISA = "4111111111111111"
AMEX = "378282246310005"


def digits_only(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def with_check_digit(body: str) -> str:
    """``body`` and the digit that makes it pass the Luhn check."""
    return next(body + d for d in "0123456789" if luhn(body + d))


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("4111111111111111", "•••• 1111"),
    ("Ma carte : 4111 1111 1111 1111, merci", "Ma carte : •••• 1111, merci"),
    ("card 4111-1111-1111-1111.", "card •••• 1111."),
    ("Amex 3782 822463 10005!", "Amex •••• 0005!"),
    ("13 digits: 4222222222222?", "13 digits: •••• 2222?"),
    ("19: 6011 0009 9013 9424 009", "19: •••• 4009"),
    ("Karte\u00a04111\u00a01111\u00a01111\u00a01111 bitte", "Karte\u00a0•••• 1111 bitte"),
    ("two: 4111111111111111 5500000000000004 done", "two: •••• 1111 •••• 0004 done"),
    ("4111 1111 1111 1111 12 26 123 (exp, cvv)", "•••• 1111 12 26 123 (exp, cvv)"),
    ("chambre 12 4111 1111 1111 1111", "chambre 12 •••• 1111"),
])
def test_each_card_number_becomes_the_mask_and_its_last_four_digits(text, expected):
    result = redact_cards(text)
    assert result.text == expected
    assert result.count == expected.count(MASK) and result.kinds == ("card_number",)


@pytest.mark.parametrize(("text", "card"), [
    ("ref 12 34 4111111111111111 56 78", VISA),
    ("n° 12 4111 1111 1111 1111 34", VISA),
    ("Amex 12 3782 822463 10005 34", AMEX),
    ("0 1 000000000000000025 0 000000000125 0", "1000000000000000025"),
])
def test_a_card_between_other_numbers_is_hidden_a_neighbour_passing_with_it_goes_too(text, card):
    # Of the stretches of whole groups that pass, the most digits are masked: the card, or it and a neighbour.
    result = redact_cards(text)
    assert result.count >= 1 and card not in digits_only(result.text)


@pytest.mark.parametrize("text", [
    "4111111111111112",  # fails the Luhn check
    "Réservation 123456789012",  # 12 digits
    "+33 6 12 34 56 78", "0044 20 7946 0958",
    "IBAN FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189",
    "le 2026-11-24 à 14:30", "Total 1 234,56 €", "4111  1111  1111  1111",  # two separators in a row end a run
    "4111.1111.1111.1111", "4111/1111/1111/1111",
    "",
])
def test_anything_else_is_left_as_it_is(text):
    assert redact_cards(text).text == text and redact_cards(text).count == 0


def test_a_long_run_glued_to_a_letter_is_never_split_even_when_a_stretch_of_it_passes():
    iban = "DE44 " + VISA[:4] + " " + VISA[4:8] + " " + VISA[8:12] + " " + VISA[12:] + " 00"  # a card-like stretch
    assert redact_cards(iban).text == iban
    # not glued: the same digits are a card next to other numbers
    loose = redact_cards("44 4111 1111 1111 1111 00")
    assert loose.count == 1 and VISA not in digits_only(loose.text)


def test_redacting_any_text_and_details():
    assert redact_text("scan-4111111111111111.pdf") == "scan-•••• 1111.pdf"
    assert redact_value({"words": ["card 4111111111111111"], "score": 0.4, "n": 3}) == {
        "words": ["card •••• 1111"], "score": 0.4, "n": 3}


# --- properties -------------------------------------------------------------------------------

card_bodies = st.integers(min_value=12, max_value=18).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n))
cards = card_bodies.map(with_check_digit)
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Nd", "Cs")), max_size=12).map(
    lambda s: "".join(c for c in s if c not in SEPARATORS + "•"))


@st.composite
def formatted(draw, card):
    """The card as a person types it: groups of any size, one separator of any allowed kind between them."""
    cuts = sorted(draw(st.sets(st.integers(1, len(card) - 1), max_size=6)))
    parts = [card[a:b] for a, b in zip([0, *cuts], [*cuts, len(card)], strict=True)]
    out = parts[0]
    for part in parts[1:]:
        out += draw(st.sampled_from(SEPARATORS)) + part
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), card=cards, before=words, after=words)
def test_any_luhn_valid_number_in_any_allowed_format_is_masked_and_never_survives(data, card, before, after):
    typed = data.draw(formatted(card))
    text = f"{before} {typed} {after}" if data.draw(st.booleans()) else before + typed + after
    result = redact_cards(text)
    assert result.count == 1
    assert MASK + card[-4:] in result.text
    assert card not in digits_only(result.text) and typed not in result.text
    assert digits_only(result.text) == card[-4:]  # the words around have no digits


@settings(max_examples=200, deadline=None)
@given(card=cards, expiry=st.from_regex(r"(0[1-9]|1[0-2]) ?[2-3][0-9]", fullmatch=True),
       code=st.from_regex(r"[0-9]{3,4}", fullmatch=True), words=words)
def test_a_card_followed_by_its_expiry_and_code_is_masked(card, expiry, code, words):
    text = f"{words} {card} {expiry} {code}"
    assert card not in digits_only(redact_cards(text).text)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), card_list=st.lists(cards.filter(lambda c: len(set(c)) > 3), min_size=2, max_size=3),
       before=st.integers(0, 9999), after=st.integers(0, 9999))
def test_cards_in_a_row_or_between_numbers_never_stay_readable(data, card_list, before, after):
    typed = " ".join(data.draw(formatted(c)) for c in card_list)
    text = f"n {before} {typed} {after} n" if data.draw(st.booleans()) else typed
    left = digits_only(redact_cards(text).text)
    assert [c for c in card_list if c in left] == []


@settings(max_examples=300, deadline=None)
@given(body=card_bodies, words=words)
def test_a_run_failing_the_luhn_check_is_untouched(body, words):
    number = next(body + d for d in "0123456789" if not luhn(body + d))
    text = f"{words} {number} {words}"
    assert redact_cards(text).text == text


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789  --•abc.\u00a0"), max_size=80))
def test_redacting_a_redacted_text_changes_nothing(text):
    once = redact_cards(text)
    twice = redact_cards(once.text)
    assert (twice.text, twice.count) == (once.text, 0)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), card_list=st.lists(cards, min_size=1, max_size=4))
def test_redacting_cards_written_together_changes_nothing_the_second_time(data, card_list):
    text = " ".join(data.draw(formatted(c)) for c in card_list)
    once = redact_cards(text)
    assert redact_cards(once.text).text == once.text


# --- where the core applies it ----------------------------------------------------------------


def _inbound(text, *, message="m-1", attachments=()):
    return InboundMessage("h1", "webchat", "th-1", message, text, T0, GuestProfile("g-1", "Inès"),
                          attachments=attachments)


def _entries(w, cid):
    return list(reversed(w.store.list_activity("h1", cid, 100).items))


def test_a_guest_message_is_masked_before_the_bot_reads_it_and_says_so():
    w = world()
    received = w.inbox.receive(_inbound(f"Please charge {VISA[:4]} {VISA[4:8]} {VISA[8:12]} {VISA[12:]} for the room"))
    assert w.bot.seen[-1].text == "Please charge •••• 1111 for the room"
    (message,) = w.store.all_messages("h1", received.conversation_id)
    assert message.text == "Please charge •••• 1111 for the room" and message.redactions == ("card_number",)
    conversation = w.store.get_conversation("h1", received.conversation_id)
    assert VISA not in digits_only(conversation.last_message_preview)
    redacted = [a for a in _entries(w, received.conversation_id) if a.type == "redacted"]
    assert len(redacted) == 1
    entry = redacted[0]
    assert (entry.actor.type, entry.from_status, entry.to_status) == (ActorType.SYSTEM, conversation.status,
                                                                     conversation.status)
    assert entry.details == {"message_id": message.id, "kinds": ["card_number"], "count": 1}


def test_a_message_without_a_card_has_no_redactions_and_no_entry():
    w = world()
    received = w.inbox.receive(_inbound("Room 12, booking 123456789"))
    (message,) = w.store.all_messages("h1", received.conversation_id)
    assert message.redactions == () and "redacted" not in [a.type for a in _entries(w, received.conversation_id)]


def test_a_files_name_with_a_card_number_is_masked_and_counted():
    w = world()
    file = Attachment("att-1", f"card {AMEX}.pdf", "application/pdf", 10, key="hotels/h1/x")
    received = w.inbox.receive(_inbound(f"and {VISA}", attachments=(file,)))
    (message,) = w.store.all_messages("h1", received.conversation_id)
    assert message.attachments[0].name == "card •••• 0005.pdf" and message.text == "and •••• 1111"
    (entry,) = [a for a in _entries(w, received.conversation_id) if a.type == "redacted"]
    assert entry.details["count"] == 2


def test_an_agents_reply_and_an_uploads_name_are_masked():
    w = world()
    cid = w.inbox.receive(_inbound("I need a person")).conversation_id
    upload, _ = w.inbox.grant_upload("h1", cid, f"receipt {VISA}.pdf", "application/pdf", 100)
    assert upload.name == "receipt •••• 1111.pdf"
    w.files.upload(upload.key, b"%PDF" + b"0" * 96, "application/pdf")
    reply = w.inbox.reply("h1", cid, AS_ANA, f"We noted {AMEX}, thank you", [upload.id])
    assert reply.text == "We noted •••• 0005, thank you" and reply.redactions == ("card_number",)
    assert [a.name for a in reply.attachments] == ["receipt •••• 1111.pdf"]
    stored = [m for m in w.store.all_messages("h1", cid) if m.id == reply.id]
    assert stored[0].text == reply.text
    conversation = w.store.get_conversation("h1", cid)
    assert conversation.last_message_preview == "We noted •••• 0005, thank you"
    (entry,) = [a for a in _entries(w, cid) if a.type == "redacted"]
    assert entry.details["message_id"] == reply.id and entry.to_status is conversation.status is Status.OPEN


def test_a_note_is_masked_and_its_mentions_still_work():
    w = world()
    cid = w.inbox.receive(_inbound("I need a person")).conversation_id
    note = w.inbox.add_note("h1", cid, AS_ANA, f"@Bruno the guest sent {VISA}, call them")
    assert note.text == "@Bruno the guest sent •••• 1111, call them" and note.redactions == ("card_number",)
    assert note.mentions and [c.id for c in w.inbox.mentions("h1", note.mentions[0], 25, None).items] == [cid]
    assert [a.type for a in _entries(w, cid)][-1] == "redacted"


def test_the_channels_hotel_and_past_messages_are_masked_and_our_masked_reply_is_still_known_as_ours():
    w = world()
    event = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-1", external_message_id="m-1")
    past = InboundMessage("h1", "expedia", "thr-1", "m-1", f"old {VISA}", T0, GuestProfile("thr-1", "Inès"))
    received = w.inbox.record_past_guest_message(past, event)
    cid = received.conversation_id
    assert [m.text for m in w.store.all_messages("h1", cid)] == ["old •••• 1111"]
    reply = w.inbox.reply("h1", cid, AS_ANA, f"Card {AMEX} received")
    # the channel echoes our reply with the number as it was typed: recognised as ours, not stored again
    event = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-2", external_message_id="exp-1")
    echo = InboundMessage("h1", "expedia", "thr-1", "exp-1", f"Card {AMEX} received", T0 + timedelta(minutes=5),
                          GuestProfile("thr-1"))
    assert w.inbox.record_hotel_message(echo, event).own_reply
    event = w.inbox.look_up("h1", "expedia", "thr-1", event_id="n-3", external_message_id="exp-2")
    own = InboundMessage("h1", "expedia", "thr-1", "exp-2", f"Front desk: {VISA} declined", T0 + timedelta(minutes=6),
                         GuestProfile("thr-1"))
    w.inbox.record_hotel_message(own, event)
    texts = [m.text for m in w.store.all_messages("h1", cid)]
    assert texts == ["old •••• 1111", reply.text, "Front desk: •••• 1111 declined"]
    assert all(VISA not in digits_only(t) and AMEX not in digits_only(t) for t in texts)
    assert [a.type for a in _entries(w, cid)].count("redacted") == 3
