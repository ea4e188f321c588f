"""pynamodb items of the single table. Only the store package knows these shapes."""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from store.schema import MISSED_RECENT, PARTITION_KEY, SORT_KEY, TAB_INDEXES, TEAM_INDEXES, TTL_ATTRIBUTE, TabIndex


class _Item(Model):
    """Every item of the table: a string partition key and sort key."""

    class Meta:
        table_name = "lobby"  # replaced by bind()
        region = "us-east-1"
        host: str | None  # declared only: pynamodb's metaclass fills it from its settings; bind() sets it

    pk = UnicodeAttribute(hash_key=True, attr_name=PARTITION_KEY)
    sk = UnicodeAttribute(range_key=True, attr_name=SORT_KEY)


def _tab_index(spec: TabIndex) -> type[GlobalSecondaryIndex]:
    meta = type("Meta", (), {"index_name": spec.name, "projection": AllProjection()})
    return type(
        f"TabIndex_{spec.tab}",
        (GlobalSecondaryIndex,),
        {
            "Meta": meta,
            spec.partition_key: UnicodeAttribute(hash_key=True),
            spec.sort_key: UnicodeAttribute(range_key=True),
        },
    )


class HotelItem(_Item):
    hotel_id = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute(default="UTC")
    bot_enabled = BooleanAttribute(default=True)
    expedia_property_id = UnicodeAttribute(null=True)
    # The bot's knowledge base lives on the hotel's item, zlib-compressed (store/knowledge.py):
    # one read gives a warm function everything it needs to answer for the hotel.
    knowledge_z = BinaryAttribute(null=True, legacy_encoding=False)
    knowledge = JSONAttribute(null=True)  # written before compression: read, never written
    reply_target_minutes = NumberAttribute(null=True)  # absent: no target of the hotel's own
    retention_days = NumberAttribute(null=True)  # absent: inbox.retention.RETENTION_DAYS_DEFAULT


class GuardItem(_Item):
    """Proof that something was already handled once (an external message id, a notification id)."""

    conversation_id = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    message_sent_at = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # the hotel's retention after it was taken


class PropertyItem(_Item):
    """Maps a channel's property id (Expedia's) to the Lobby hotel."""

    hotel_id = UnicodeAttribute()


class ContactItem(_Item):
    contact_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    external_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    reservations = JSONAttribute(null=True)
    # The guest's conversations (ADDed by each write that names one) and a revision ADDed by every write:
    # an erase deletes the contact only under the revision it read (``store.guest_data``).
    conversation_ids = UnicodeSetAttribute(null=True)
    revision = NumberAttribute(null=True)


class _ConversationAttributes(_Item):
    conversation_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    last_message_at = UnicodeAttribute()
    last_message_preview = UnicodeAttribute(default="")
    automated = BooleanAttribute(default=True)
    hold_until = UnicodeAttribute(null=True)
    hold_token = UnicodeAttribute(null=True)
    held_since = UnicodeAttribute(null=True)
    contact_id = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    external_conversation_id = UnicodeAttribute(null=True)
    guest_text_digest = UnicodeAttribute(null=True)
    guest_text_repeats = NumberAttribute(null=True)
    assignee_id = UnicodeAttribute(null=True)
    assignee_name = UnicodeAttribute(null=True)
    waiting_since = UnicodeAttribute(null=True)
    attention_at = UnicodeAttribute(null=True)
    missed_group = UnicodeAttribute(null=True)  # its missed question's group, until an agent answers (inbox.missed)
    # Read marks are top-level attributes "read@<agent id>" (keys.read_attribute), read by ``reading.conversation``.
    version = VersionAttribute()
    # max(updated_at, last_message_at) + the hotel's retention, renewed by every commit (``inbox.retention``).
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)


# Each tab index gets its two (nullable, so sparse) key attributes and an index object.
_tab_members: dict = {}
for _spec in TAB_INDEXES.values():
    _tab_members[_spec.partition_key] = UnicodeAttribute(null=True)
    _tab_members[_spec.sort_key] = UnicodeAttribute(null=True)
    _tab_members[f"{_spec.tab}_index"] = _tab_index(_spec)()
# The team's indexes (no index object: the store queries them by name), their key attributes only.
for _team in TEAM_INDEXES:
    _tab_members.setdefault(_team.partition_key, UnicodeAttribute(null=True))
    _tab_members.setdefault(_team.sort_key, UnicodeAttribute(null=True))
INDEX_KEY_ATTRIBUTES = frozenset(_tab_members) - {f"{spec.tab}_index" for spec in TAB_INDEXES.values()}
ConversationItem: type[_ConversationAttributes] = type("ConversationItem", (_ConversationAttributes,), _tab_members)


class AttachmentAttribute(MapAttribute):
    """One file of a message, on the message's item (read back entry by entry: ``reading.attachments``)."""

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    key = UnicodeAttribute(null=True)
    unavailable_reason = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)


class MessageItem(_Item):
    message_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    direction = UnicodeAttribute()
    sender = UnicodeAttribute()
    text = UnicodeAttribute()
    sent_at = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)
    external_message_id = UnicodeAttribute(null=True)
    delivery = UnicodeAttribute(null=True)
    delivery_error = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=AttachmentAttribute, null=True)  # absent when there are none
    # A sender's claim on delivering the message (``claim_delivery``): who, and until when (``iso``).
    claim = UnicodeAttribute(null=True)
    claim_until = UnicodeAttribute(null=True)
    internal = BooleanAttribute(null=True)  # a note (absent: a message to or from the guest)
    mentions = ListAttribute(of=UnicodeAttribute, null=True)  # a note's mentioned agent ids (absent: none)
    redactions = ListAttribute(of=UnicodeAttribute, null=True)  # what was masked in the text (absent: nothing)
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # sent_at + the hotel's retention


class UploadItem(_Item):
    """An upload the API granted, under its conversation; TTL removes it a day after the grant."""

    upload_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    storage_key = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE)


# Blocked replies are counted per UTC day in top-level attributes "blocked_YYYY-MM-DD"
# (DynamoDB's ADD works on top-level attributes only).
BLOCKED_DAY_PREFIX = "blocked_"


class ChannelHealthItem(_Item):
    """What Lobby noted of one hotel's channel (plus the ``blocked_<day>`` counters)."""

    hotel_id = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)
    last_notification_at = UnicodeAttribute(null=True)
    last_reconciled_at = UnicodeAttribute(null=True)
    undelivered = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)


class ChannelRunItem(_Item):
    """The channel's last reconciliation run that completed (one item per channel, not per hotel)."""

    channel = UnicodeAttribute(null=True)
    last_run_at = UnicodeAttribute(null=True)


class ActorAttribute(MapAttribute):
    type = UnicodeAttribute()
    id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)


class ActivityItem(_Item):
    activity_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = ActorAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    at = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # at + the hotel's retention


class CounterItem(_Item):
    """One shard of a hotel's tab counters; a hotel's counts are the sum of its shards."""

    open = NumberAttribute(null=True)
    on_hold = NumberAttribute(null=True)
    closed = NumberAttribute(null=True)
    spam = NumberAttribute(null=True)
    all = NumberAttribute(null=True)


class ReportItem(_Item):
    """One shard of a hotel's figures of one day (pk ``HOTEL#<h>``, sk ``REPORT#<day>#<shard>``): top-level
    number attributes named by ``inbox.reports`` (``automated``, ``started#webchat``, ``reply#12``...), ADDed by
    the commits. Counts only, no guest data: an erase or an expiry leaves them; they expire on their own."""

    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # 400 days after the day


class MissedGroupItem(_Item):
    """A group of missed questions (pk ``HOTEL#<h>``, sk ``MISSED#<group id>``; ``store.missed``), in the
    ``missed-recent`` index while ``missed_pk``/``missed_sk`` are there."""

    hotel_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)
    language = UnicodeAttribute(null=True)
    question = UnicodeAttribute(null=True)  # the newest wording (the guest's masked text)
    asked = NumberAttribute(null=True, attr_name="count")  # ADDed by each question counted (Model.count is taken)
    last_asked_at = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute(null=True)  # of the newest wording
    answer_text = UnicodeAttribute(null=True)  # an agent's first reply after the question
    answer_agent = UnicodeAttribute(null=True)
    answer_at = UnicodeAttribute(null=True)
    answer_conversation_id = UnicodeAttribute(null=True)
    taught_entry_id = UnicodeAttribute(null=True)
    taught_at = UnicodeAttribute(null=True)
    dismissed_at = UnicodeAttribute(null=True)
    missed_pk = UnicodeAttribute(null=True, attr_name=MISSED_RECENT.partition_key)  # the hotel
    missed_sk = UnicodeAttribute(null=True, attr_name=MISSED_RECENT.sort_key)  # "<last_asked_at>#<group id>"
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # asked (or answered) + the hotel's retention


class PartnerKeyItem(_Item):
    """A partner's API key, stored only as its SHA-256 (the key itself is shown once). Written and read by
    ``store.partner_keys`` with its id item (pk ``PARTNERKEYS``, sk ``KEY#<key id>``); this is its shape."""

    partner_id = UnicodeAttribute()
    name = UnicodeAttribute()
    hotel_ids = UnicodeSetAttribute()
    created_at = UnicodeAttribute()
    key_id = UnicodeAttribute(null=True)  # absent on keys issued before key ids
    last_used_at = UnicodeAttribute(null=True)  # at most once a minute (the authorizer)
    revoked_at = UnicodeAttribute(null=True)  # refused from then on


class SearchEntryItem(_Item):
    """One way to find a conversation (pk ``HOTEL#<h>#FIND``, sk "<term>\u001f<kind>\u001f<conversation>")."""

    label = UnicodeAttribute(null=True)


class MentionItem(_Item):
    """A note mentioned an agent (pk ``HOTEL#<h>#MENTIONS#<agent>``, sk "<at>#<conversation>#<message>")."""

    conversation_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    at = UnicodeAttribute()
    expires_at = TTLAttribute(attr_name=TTL_ATTRIBUTE, null=True)  # at + the hotel's retention


class SavedReplyItem(_Item):
    """A saved reply of the hotel (pk ``HOTEL#<h>``, sk ``REPLY#<id>``)."""

    reply_id = UnicodeAttribute()
    hotel_id = UnicodeAttribute()
    title = UnicodeAttribute()
    shortcut = UnicodeAttribute()
    texts: MapAttribute[str, str] = MapAttribute()  # language -> text


ALL_MODELS = (HotelItem, GuardItem, PropertyItem, ContactItem, ConversationItem, MessageItem, ActivityItem, CounterItem,
              ReportItem, MissedGroupItem, PartnerKeyItem, UploadItem, ChannelHealthItem, ChannelRunItem, SearchEntryItem, MentionItem, SavedReplyItem)


def bind(table_name: str, region: str, endpoint_url: str | None = None) -> None:
    """Point every model at the table (called once by the composition root)."""
    for model in (_Item, *ALL_MODELS):
        model.Meta.table_name = table_name
        model.Meta.region = region
        model.Meta.host = endpoint_url
        model._connection = None
    for index in ConversationItem._indexes.values():
        index.Meta.model = ConversationItem

