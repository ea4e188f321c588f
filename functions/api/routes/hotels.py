"""A hotel's own resources: partner inbound messages and the bot's settings."""

from __future__ import annotations

import hashlib

from aws_lambda_powertools.event_handler.api_gateway import Router

from api.body import LIMIT_EXTENSION
from api.context import inbox, principal
from api.schemas import (
    BOT_BODY_LIMIT,
    INBOUND_BODY_LIMIT,
    READ_ERRORS,
    WRITE_ERRORS,
    BotSettings,
    HotelOut,
    InboundAccepted,
    InboundIn,
    KnowledgeEntryIO,
    responses,
)
from api.scope import require_admin
from api.team_schemas import HotelPatchIn
from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.errors import NotFound
from inbox.inbound import GuestProfile, InboundMessage, conversation_id_for
from inbox.model import Reservation

router = Router()


@router.post("/hotels/<hotel_id>/inbound", summary="Hand in a guest message from another channel", tags=["partners"],
             description="The guest's files travel in `attachments`, each with its bytes in base64 (Lobby fetches "
                         "no URL). PDF, JPEG and PNG files are kept in Lobby's storage before the message is "
                         "stored; a file of another type, or an empty one, is listed on the message as unavailable "
                         "with its `reason`, never dropped. The body, files included, is at most "
                         f"{INBOUND_BODY_LIMIT // 1024 // 1024} MB (what one Lambda invocation carries, less a "
                         "margin): about 3.7 MB of files a message.",
             status_code=202, openapi_extensions={LIMIT_EXTENSION: INBOUND_BODY_LIMIT},
             responses=responses(202, "Accepted (the same external_message_id again: the same ids, nothing stored "
                                      "twice)", *WRITE_ERRORS, 404, 409, e404="No such hotel",
                                 e409="Other messages kept changing the conversation; send it again",
                                 e413=f"The body is larger than {INBOUND_BODY_LIMIT // 1024 // 1024} MB (files "
                                      "included, in base64)"))
def hand_in(hotel_id: str, body: InboundIn) -> InboundAccepted:
    sender = body.sender
    service = inbox()
    if body.attachments and service.hotel(hotel_id) is None:
        raise NotFound(f"hotel {hotel_id} not found")  # before any file is kept where nothing would list it
    conversation_id = conversation_id_for(hotel_id, body.channel, body.external_conversation_id)
    # Files are kept before the message is stored (a refused one comes back as unavailable, not as
    # an error). A file's id comes from the message, its place and its bytes: the same hand-in again
    # is the same object, and a repeat carrying other bytes never overwrites the stored message's file.
    files = tuple(service.keep_channel_file(hotel_id, conversation_id, _file_id(body.external_message_id, n, f.base64),
                                            f.name, f.content_type, f.base64)
                  for n, f in enumerate(body.attachments))
    received = service.receive(InboundMessage(
        hotel_id=hotel_id, channel=body.channel, external_conversation_id=body.external_conversation_id,
        external_message_id=body.external_message_id, text=body.text, sent_at=body.sent_at,
        sender=GuestProfile(sender.external_id, sender.name, sender.email, sender.phone, sender.language,
                            tuple(Reservation(**r.model_dump()) for r in sender.reservations)),
        wants_human=body.wants_human, attachments=files,
    ))
    return InboundAccepted(conversation_id=received.conversation_id, message_id=received.message_id)


def _file_id(external_message_id: str, n: int, data: bytes) -> str:
    return f"{external_message_id}#{n}#{hashlib.sha256(data).hexdigest()[:32]}"


def _hotel(hotel_id: str):
    hotel = inbox().store.get_hotel(hotel_id)
    if hotel is None:
        raise NotFound(f"hotel {hotel_id} not found")
    return hotel


@router.get("/hotels/<hotel_id>", summary="The hotel: name, time zone, channels", tags=["hotels"],
            responses=responses(200, "The hotel", *READ_ERRORS, 404, e404="No such hotel"))
def get_hotel(hotel_id: str) -> HotelOut:
    return _hotel_out(_hotel(hotel_id))


def _hotel_out(hotel) -> HotelOut:
    return HotelOut(id=hotel.id, name=hotel.name, timezone=hotel.timezone, bot_enabled=hotel.bot_enabled,
                    expedia_property_id=hotel.expedia_property_id, reply_target_minutes=hotel.reply_target_minutes,
                    retention_days=hotel.retention_days)


@router.patch("/hotels/<hotel_id>", summary="Change the hotel's settings: retention, reply target (admins only)",
              description="Each field given is changed, and the change recorded in the hotel's audit log "
                          "(`hotel_updated`, with each field's `from` and `to`). A new `retention_days` applies to "
                          "what is written from then on: each message, activity entry and guard is deleted "
                          "`retention_days` after its time, a conversation after its last change (DynamoDB's TTL, "
                          "within a few days of that time), and the counts follow.",
              tags=["hotels"], security=[{"cognito": []}],
              responses=responses(200, "The hotel, as stored", *WRITE_ERRORS, 404, e404="No such hotel",
                                  e403="The hotel is not one of the caller's, or the caller is not one of its admins",
                                  e422="The request failed validation: retention_days is 30 to 3,650; "
                                       "reply_target_minutes is 5 to 10,080, or null"))
def patch_hotel(hotel_id: str, body: HotelPatchIn) -> HotelOut:
    caller = principal(router)
    require_admin(caller)
    given = {name: getattr(body, name) for name in ("retention_days", "reply_target_minutes")
             if name in body.model_fields_set}
    # One read of the hotel (404 for none, before anything is written), then the changes.
    return _hotel_out(inbox().update_hotel_settings(hotel_id, caller.actor, **given))


def _settings(hotel_id: str) -> BotSettings:
    hotel = _hotel(hotel_id)
    kb = hotel.knowledge
    return BotSettings(enabled=hotel.bot_enabled, default_language=kb.default_language,
                       trusted_domains=list(kb.trusted_domains),
                       entries=[KnowledgeEntryIO(id=e.id, topic=e.topic, questions=list(e.questions),
                                                 answers=dict(e.answers)) for e in kb.entries])


@router.get("/hotels/<hotel_id>/bot", summary="The hotel's bot: switch and knowledge base", tags=["bot"],
            responses=responses(200, "The bot's settings", *READ_ERRORS, 404, e404="No such hotel"))
def get_bot(hotel_id: str) -> BotSettings:
    return _settings(hotel_id)


@router.put("/hotels/<hotel_id>/bot", summary="Replace the hotel's bot settings (applies within 30 s; admins only)",
            tags=["bot"], security=[{"cognito": []}], openapi_extensions={LIMIT_EXTENSION: BOT_BODY_LIMIT},
            responses=responses(200, "The bot's settings, as stored", *WRITE_ERRORS, 404, e404="No such hotel",
                                e403="The hotel is not one of the caller's, or the caller is not one of its admins",
                                e413=f"The body is larger than {BOT_BODY_LIMIT // 1024} KB, or the knowledge base "
                                     "does not fit in storage; the message says which"))
def put_bot(hotel_id: str, body: BotSettings) -> BotSettings:
    caller = principal(router)
    require_admin(caller)  # a partner key once wiped a hotel's knowledge base
    knowledge = KnowledgeBase(
        default_language=body.default_language, trusted_domains=tuple(body.trusted_domains),
        entries=tuple(KnowledgeEntry(e.id, e.topic, tuple(e.questions), dict(e.answers)) for e in body.entries))
    inbox().update_bot(hotel_id, caller.actor, body.enabled, knowledge)  # and its audit entry
    return _settings(hotel_id)
