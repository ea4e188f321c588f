"""A hotel's channels and their health (is Expedia reaching Lobby, and Lobby Expedia)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from api.context import inbox
from api.schemas import READ_ERRORS, ChannelsOut, ChannelStatusOut, responses

router = Router()


@router.get("/hotels/<hotel_id>/channels", summary="The hotel's channels: connected, last notification, undelivered",
            tags=["hotels"], responses=responses(200, "Each channel of the hotel", *READ_ERRORS, 404, e404="No such hotel"))
def list_channels(hotel_id: str) -> ChannelsOut:
    return ChannelsOut(items=[ChannelStatusOut.of(s) for s in inbox().channels(hotel_id)])
