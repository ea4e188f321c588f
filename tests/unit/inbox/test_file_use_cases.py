"""Files on messages: upload grants, a reply's files, a channel's files, links (on fakes of the ports)."""

from __future__ import annotations

import pytest
from fakes import T0, world
from hypothesis import given
from hypothesis import strategies as st
from inbox_states import ANSWER, new_conversation

from inbox.attachments import (
    MAX_ATTACHMENT_BYTES,
    NOT_FETCHED,
    TOO_LARGE,
    TYPE_REFUSED,
    UPLOAD_GRANT_SECONDS,
    storage_key,
)
from inbox.errors import InvalidInput, NotFound
from inbox.inbound import GuestProfile, InboundMessage
from inbox.machine import GuestMessage, apply
from inbox.model import Actor, ActorType, Delivery, Status, repeats_of

AGENT = Actor(ActorType.AGENT, "agent-1", "Ana")
PDF = b"%PDF-1.7 the booking confirmation"


def open_conversation(w, thread="thr-1"):
    """A guest who asked for a person on Expedia: the conversation is Open."""
    received = w.inbox.receive(InboundMessage("h1", "expedia", thread, f"{thread}-m1", "I want a person", T0,
                                              GuestProfile("g-1", "Inès")))
    assert received.conversation is not None and received.conversation.status is Status.OPEN
    return received.conversation


def uploaded(w, conversation, name="confirmation.pdf", content_type="application/pdf", data=PDF, size=None):
    upload, grant = w.inbox.grant_upload("h1", conversation.id, name, content_type, size or len(data))
    w.files.upload(grant.fields["key"], data, content_type)
    return upload


def test_an_upload_is_granted_for_five_minutes_on_its_own_key_and_remembered():
    w = world()
    conversation = open_conversation(w)
    upload, grant = w.inbox.grant_upload("h1", conversation.id, "../../etc/plan.pdf", "application/pdf", 1234)
    assert w.files.grants == [(upload.key, "application/pdf", 1234, UPLOAD_GRANT_SECONDS)]
    assert upload.key == storage_key("h1", conversation.id, upload.id) and upload.name == "plan.pdf"
    assert w.store.get_uploads("h1", conversation.id, [upload.id]) == [upload]
    assert grant.expires_at > T0


@pytest.mark.parametrize(("content_type", "size"), [("application/zip", 10), ("image/png", MAX_ATTACHMENT_BYTES + 1),
                                                    ("image/png", 0)])
def test_a_file_lobby_refuses_gets_no_upload_grant_and_nothing_is_stored(content_type, size):
    w = world()
    conversation = open_conversation(w)
    writes = list(w.store.writes)
    with pytest.raises(InvalidInput):
        w.inbox.grant_upload("h1", conversation.id, "file", content_type, size)
    assert w.files.grants == [] and w.store.writes == writes


def test_no_upload_is_granted_for_a_conversation_of_another_hotel():
    w = world()
    conversation = open_conversation(w)
    with pytest.raises(NotFound):
        w.inbox.grant_upload("h2", conversation.id, "a.pdf", "application/pdf", 10)


def test_a_reply_with_an_uploaded_file_carries_it_and_is_queued_for_expedia():
    w = world()
    conversation = open_conversation(w)
    upload = uploaded(w, conversation)
    message = w.inbox.reply("h1", conversation.id, AGENT, "Your confirmation", [upload.id])
    (attachment,) = message.attachments
    assert (attachment.id, attachment.name, attachment.size, attachment.key) == (
        upload.id, "confirmation.pdf", len(PDF), upload.key)
    assert w.store.get_message("h1", conversation.id, message.sent_at, message.id) == message
    assert [j.message_id for j in w.outbox.jobs] == [message.id]


def test_a_reply_of_files_only_may_have_no_text_and_shows_the_file_in_the_list():
    w = world()
    conversation = open_conversation(w)
    first, second = uploaded(w, conversation), uploaded(w, conversation, "room.png", "image/png", b"\x89PNG....")
    message = w.inbox.reply("h1", conversation.id, AGENT, "", [first.id, second.id])
    assert message.text == "" and len(message.attachments) == 2
    assert w.inbox.conversation("h1", conversation.id).last_message_preview == "\U0001f4ce confirmation.pdf (+1)"


def test_a_reply_with_neither_text_nor_file_is_refused():
    w = world()
    conversation = open_conversation(w)
    with pytest.raises(InvalidInput, match="text or an attachment"):
        w.inbox.reply("h1", conversation.id, AGENT, "  ")


def test_a_reply_naming_an_upload_of_another_conversation_is_422_and_stores_nothing():
    w = world()
    mine, other = open_conversation(w, "thr-1"), open_conversation(w, "thr-2")
    elsewhere = uploaded(w, other)
    before = (list(w.store.writes), w.store.all_messages("h1", mine.id), list(w.outbox.jobs))
    with pytest.raises(InvalidInput, match="not granted for this conversation"):
        w.inbox.reply("h1", mine.id, AGENT, "See attached", [elsewhere.id])
    assert (w.store.writes, w.store.all_messages("h1", mine.id), w.outbox.jobs) == before


def test_a_reply_naming_an_upload_never_completed_is_422():
    w = world()
    conversation = open_conversation(w)
    upload, _ = w.inbox.grant_upload("h1", conversation.id, "late.pdf", "application/pdf", 100)
    with pytest.raises(InvalidInput, match="never uploaded"):
        w.inbox.reply("h1", conversation.id, AGENT, "here", [upload.id])
    assert len(w.store.all_messages("h1", conversation.id)) == 1  # the guest's only


@pytest.mark.parametrize(("stored_data", "stored_type"), [(PDF + b"more than granted", "application/pdf"),
                                                         (PDF, "image/png")])
def test_a_reply_naming_a_file_other_than_the_one_granted_is_422(stored_data, stored_type):
    w = world()
    conversation = open_conversation(w)
    upload, grant = w.inbox.grant_upload("h1", conversation.id, "a.pdf", "application/pdf", len(PDF))
    w.files.upload(grant.fields["key"], stored_data, stored_type)
    with pytest.raises(InvalidInput, match="not the file that was granted"):
        w.inbox.reply("h1", conversation.id, AGENT, "here", [upload.id])


def test_a_reply_carries_at_most_ten_files():
    w = world()
    conversation = open_conversation(w)
    ids = [uploaded(w, conversation).id for _ in range(11)]
    with pytest.raises(InvalidInput, match="at most 10"):
        w.inbox.reply("h1", conversation.id, AGENT, "all of them", ids)


def test_a_guest_file_from_a_channel_is_kept_under_its_conversation_with_a_stable_id():
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-1", "exp-att-1", "passport scan.pdf", "application/pdf", PDF)
    again = w.inbox.keep_channel_file("h1", "cv-1", "exp-att-1", "passport scan.pdf", "application/pdf", PDF)
    assert kept == again and kept.available and kept.external_id == "exp-att-1"
    assert w.files.objects[kept.key] == (PDF, "application/pdf")
    assert kept.key.startswith("hotels/h1/conversations/cv-1/")


@pytest.mark.parametrize(("content_type", "data", "size", "reason"), [
    ("application/x-msdownload", b"MZ...", None, TYPE_REFUSED),
    ("image/jpeg", None, 6 * 1024 * 1024, TOO_LARGE),  # over the limit: never fetched whole
    ("image/jpeg", None, None, TOO_LARGE),
])
def test_a_refused_guest_file_is_listed_unavailable_with_its_name_and_never_stored(content_type, data, size, reason):
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-1", "exp-att-2", "holiday.exe", content_type, data, size)
    assert not kept.available and kept.unavailable_reason == reason and kept.name == "holiday.exe"
    assert w.files.objects == {}
    assert w.inbox.attachment_link("h1", kept) is None


def test_a_guest_file_the_channel_no_longer_has_is_listed_unavailable():
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-1", "gone", "scan.pdf", "application/octet-stream", None,
                                     unavailable=NOT_FETCHED)
    assert (kept.available, kept.unavailable_reason, kept.size) == (False, NOT_FETCHED, 0)


def test_a_link_is_given_only_for_a_file_of_the_callers_hotel():
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-1", "exp-att-1", "a.pdf", "application/pdf", PDF)
    assert w.inbox.attachment_link("h1", kept).startswith(f"https://files.test/{kept.key}")
    assert w.inbox.attachment_link("h2", kept) is None


@given(name=st.text(max_size=300), data=st.binary(min_size=1, max_size=64))
def test_any_name_a_guest_gives_is_kept_as_a_safe_non_empty_name(name, data):
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-1", "x", name, "image/png", data)
    assert kept.name and "/" not in kept.name and len(kept.name) <= 200
    assert kept.key == storage_key("h1", "cv-1", kept.id)  # the guest's name never reaches the key


def test_a_guest_message_of_files_only_has_empty_text_goes_to_the_agents_and_previews_the_file():
    w = world()
    kept = w.inbox.keep_channel_file("h1", "cv-x", "exp-att-1", "passport.png", "image/png", b"\x89PNG")
    received = w.inbox.receive(InboundMessage("h1", "expedia", "thr-9", "m-1", "", T0, GuestProfile("g-9"),
                                              attachments=(kept,)))
    assert w.bot.seen[-1].text == ""  # the bot reads the text only
    assert received.conversation.status is Status.OPEN
    assert received.conversation.last_message_preview == "\U0001f4ce passport.png"
    (message,) = w.store.all_messages("h1", received.conversation_id)
    assert message.attachments == (kept,) and message.delivery is None


def test_two_guest_messages_of_files_only_do_not_count_as_a_repeated_text():
    conversation = new_conversation()
    for _ in range(3):
        assert repeats_of(conversation, "") == 0
        conversation = apply(conversation, GuestMessage("", T0, ANSWER, attachment_names=("a.png",))).conversation
    assert conversation.guest_text_repeats == 0
    assert repeats_of(apply(conversation, GuestMessage("hi", T0, ANSWER)).conversation, "hi") == 1


def test_delivery_of_a_reply_with_files_starts_pending():
    w = world()
    conversation = open_conversation(w)
    message = w.inbox.reply("h1", conversation.id, AGENT, "", [uploaded(w, conversation).id])
    assert message.delivery is Delivery.PENDING
