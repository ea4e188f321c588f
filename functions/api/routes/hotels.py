"""A hotel's own resources: partner inbound messages and the bot's settings."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from api.context import inbox
from api.schemas import (
    COMMON_RESPONSES,
    BotSettings,
    HotelOut,
    InboundAccepted,
    InboundIn,
    KnowledgeEntryIO,
    error_response,
)
from inbox.bot import KnowledgeBase, KnowledgeEntry
from inbox.inbound import GuestProfile, InboundMessage

router = Router()


@router.post("/hotels/<hotel_id>/inbound", summary="Hand in a guest message from another channel", tags=["partners"],
             status_code=202,
             responses={**COMMON_RESPONSES, 202: {"description": "Accepted (the same external_message_id again: "
                                                                 "the same ids, nothing stored twice)",
                                                  "content": {"application/json": {"model": InboundAccepted}}},
                        404: error_response("No such hotel")})
def hand_in(hotel_id: str, body: InboundIn) -> InboundAccepted:
    sender = body.sender
    received = inbox().receive(InboundMessage(
        hotel_id=hotel_id, channel=body.channel, external_conversation_id=body.external_conversation_id,
        external_message_id=body.external_message_id, text=body.text, sent_at=body.sent_at,
        sender=GuestProfile(sender.external_id, sender.name, sender.email, sender.phone, sender.language),
        wants_human=body.wants_human,
    ))
    return InboundAccepted(conversation_id=received.conversation_id, message_id=received.message_id)


def _hotel(hotel_id: str):
    hotel = inbox().store.get_hotel(hotel_id)
    if hotel is None:
        from inbox.errors import NotFound

        raise NotFound(f"hotel {hotel_id} not found")
    return hotel


@router.get("/hotels/<hotel_id>", summary="The hotel: name, time zone, channels", tags=["hotels"],
            responses={**COMMON_RESPONSES, 404: error_response("No such hotel")})
def get_hotel(hotel_id: str) -> HotelOut:
    hotel = _hotel(hotel_id)
    return HotelOut(id=hotel.id, name=hotel.name, timezone=hotel.timezone, bot_enabled=hotel.bot_enabled,
                    expedia_property_id=hotel.expedia_property_id)


def _settings(hotel_id: str) -> BotSettings:
    hotel = _hotel(hotel_id)
    kb = hotel.knowledge
    return BotSettings(enabled=hotel.bot_enabled, default_language=kb.default_language,
                       trusted_domains=list(kb.trusted_domains),
                       entries=[KnowledgeEntryIO(id=e.id, topic=e.topic, questions=list(e.questions),
                                                 answers=dict(e.answers)) for e in kb.entries])


@router.get("/hotels/<hotel_id>/bot", summary="The hotel's bot: switch and knowledge base", tags=["bot"],
            responses={**COMMON_RESPONSES, 404: error_response("No such hotel")})
def get_bot(hotel_id: str) -> BotSettings:
    return _settings(hotel_id)


@router.put("/hotels/<hotel_id>/bot", summary="Replace the hotel's bot settings (applies within 30 s)",
            tags=["bot"], responses={**COMMON_RESPONSES, 404: error_response("No such hotel")})
def put_bot(hotel_id: str, body: BotSettings) -> BotSettings:
    knowledge = KnowledgeBase(
        default_language=body.default_language, trusted_domains=tuple(body.trusted_domains),
        entries=tuple(KnowledgeEntry(e.id, e.topic, tuple(e.questions), dict(e.answers)) for e in body.entries))
    inbox().store.set_bot(hotel_id, body.enabled, knowledge)
    return _settings(hotel_id)
