"""Key layout of the single table (the only place that builds key strings)."""

from __future__ import annotations

from datetime import date, datetime

from inbox.model import iso

CONVERSATION_SK = "CONVERSATION"
HOTEL_SK = "PROFILE"
MESSAGE_PREFIX = "MSG#"
ACTIVITY_PREFIX = "ACT#"
# A conversation's partition sorts "@UPLOAD#..." < "ACT#..." < "CONVERSATION" < "MSG#...": the
# messages' Query reads sk >= "CONVERSATION" and the activity's Query "ACT#" to "CONVERSATION", so
# uploads (which sort before "ACT#") are in neither page.
UPLOAD_PREFIX = "@UPLOAD#"
COUNTER_PREFIX = "COUNTERS#"
REPORT_PREFIX = "REPORT#"
CONTACT_PREFIX = "CONTACT#"


def hotel_pk(hotel_id: str) -> str:
    return f"HOTEL#{hotel_id}"


def conversation_pk(hotel_id: str, conversation_id: str) -> str:
    # The hotel is part of the key: a conversation id looked up under another hotel
    # simply does not exist there (404), whatever exists elsewhere.
    return f"HOTEL#{hotel_id}#CONV#{conversation_id}"


def tab_sort_key(last_message_at: datetime, conversation_id: str) -> str:
    return f"{iso(last_message_at)}#{conversation_id}"


def message_sk(sent_at: datetime, message_id: str) -> str:
    return f"{MESSAGE_PREFIX}{iso(sent_at)}#{message_id}"


def activity_sk(at: datetime, activity_id: str) -> str:
    return f"{ACTIVITY_PREFIX}{iso(at)}#{activity_id}"


def upload_sk(upload_id: str) -> str:
    return f"{UPLOAD_PREFIX}{upload_id}"


def counter_sk(shard: int) -> str:
    return f"{COUNTER_PREFIX}{shard}"


def report_sk(day: date, shard: int) -> str:
    """A shard of the hotel's figures of one day (its calendar day), in the hotel's partition."""
    return f"{REPORT_PREFIX}{day.isoformat()}#{shard}"


def report_range(first: date, last: date) -> tuple[str, str]:
    """The sort keys BETWEEN which the shards of the days ``first`` .. ``last`` lie ("~" sorts after "#<shard>")."""
    return f"{REPORT_PREFIX}{first.isoformat()}", f"{REPORT_PREFIX}{last.isoformat()}~"


def report_day(sk: str) -> date:
    """The day of a report shard's sort key (``ValueError`` for anything else)."""
    if not sk.startswith(REPORT_PREFIX):
        raise ValueError(f"not a report key: {sk!r}")
    day, _, shard = sk.removeprefix(REPORT_PREFIX).partition("#")
    if not shard.isdigit():
        raise ValueError(f"not a report key: {sk!r}")
    return date.fromisoformat(day)


MISSED_PREFIX = "MISSED#"


def missed_sk(group_id: str) -> str:
    """A missed-question group, in the hotel's partition (``store.missed``)."""
    return f"{MISSED_PREFIX}{group_id}"


def missed_recent_sk(last_asked_at: datetime, group_id: str) -> str:
    """The ``missed-recent`` index's sort key: read descending, the group last asked first."""
    return f"{iso(last_asked_at)}#{group_id}"


def contact_sk(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


def partner_key_pk(key_hash: str) -> str:
    return f"PARTNERKEY#{key_hash}"


PARTNER_KEY_SK = "PARTNERKEY"


GUARD_SK = "GUARD"


def guard_pk(hotel_id: str, key: str) -> str:
    return f"HOTEL#{hotel_id}#GUARD#{key}"


PROPERTY_SK = "PROPERTY"


def expedia_property_pk(property_id: str) -> str:
    return f"EXPEDIA#{property_id}"


CHANNEL_PREFIX = "CHANNEL#"


def channel_sk(channel: str) -> str:
    """A hotel's channel health item, in the hotel's partition (beside its profile and counters)."""
    return f"{CHANNEL_PREFIX}{channel}"

CHANNEL_RUN_SK = "RECONCILED"


def channel_run_pk(channel: str) -> str:
    """The channel's own item (no hotel's): when its last reconciliation run ended, for every hotel at once."""
    return f"{CHANNEL_PREFIX}{channel}"


# --- the team (issue 12) ------------------------------------------------------------------------

NOBODY = "-"  # the assignee part of a team index key for a conversation nobody has (inbox.model.UNASSIGNED)
READ_PREFIX = "read@"  # the conversation item's top-level read marks: "read@<agent id>" = ISO time
REPLY_PREFIX = "REPLY#"
FIND_SEPARATOR = "\u001f"  # between a search entry's term, kind and conversation (below any printable character)


def team_all_pk(hotel_id: str, assignee_id: str | None) -> str:
    return f"{hotel_id}#{assignee_id or NOBODY}"


def team_tab_pk(hotel_id: str, assignee_id: str | None, tab: str) -> str:
    return f"{hotel_id}#{assignee_id or NOBODY}#{tab}"


def team_waiting_pk(hotel_id: str, assignee_id: str | None) -> str:
    return f"{hotel_id}#{assignee_id or NOBODY}"


def waiting_sort_key(waiting_since: datetime | None, last_message_at: datetime, conversation_id: str) -> str:
    """Ascending: the guest waiting longest first, then ("~" sorts after digits) those nobody waits on, oldest first."""
    if waiting_since is not None:
        return f"{iso(waiting_since)}#{conversation_id}"
    return f"~{iso(last_message_at)}#{conversation_id}"


def counter_attribute(tab: str, assignee_id: str | None = None) -> str:
    """A counter shard's attribute: ``<tab>`` for everyone's, ``<tab>@<agent id>`` for one assignee's."""
    return f"{tab}@{assignee_id}" if assignee_id else tab


def read_attribute(agent_id: str) -> str:
    return f"{READ_PREFIX}{agent_id}"


def mentions_pk(hotel_id: str, agent_id: str) -> str:
    return f"HOTEL#{hotel_id}#MENTIONS#{agent_id}"


def mention_sk(at: datetime, conversation_id: str, message_id: str) -> str:
    return f"{iso(at)}#{conversation_id}#{message_id}"


def find_pk(hotel_id: str) -> str:
    return f"HOTEL#{hotel_id}#FIND"


def find_sk(term: str, kind: str, conversation_id: str) -> str:
    return FIND_SEPARATOR.join((term, kind, conversation_id))


def reply_sk(reply_id: str) -> str:
    return f"{REPLY_PREFIX}{reply_id}"


# --- the connections table (issue 13): the consoles' open sockets, a table of its own ----------------

CONNECTION_SK = "CONNECTION"


def connection_pk(connection_id: str) -> str:
    """A connection's own item; its hotel items are ``hotel_pk(h)`` / the connection id in that table."""
    return f"CONNECTION#{connection_id}"


# --- guest data (issue 14): the audit log, partner key ids, expiry guards ---------------------------

def audit_pk(hotel_id: str) -> str:
    """A hotel's audit log: one partition, newest entry last in sort order (read descending)."""
    return f"HOTEL#{hotel_id}#AUDIT"


def audit_sk(at: datetime, entry_id: str) -> str:
    return f"{iso(at)}#{entry_id}"


PARTNER_KEYS_PK = "PARTNERKEYS"  # every partner key by its id (few: one partition, one Query lists them)


def partner_key_id_sk(key_id: str) -> str:
    return f"KEY#{key_id}"


def expired_guard(conversation_id: str, version: int) -> str:
    """The guard a conversation's TTL removal takes (``guard_pk``): a repeated stream record changes nothing."""
    return f"expired:{conversation_id}:{version}"
