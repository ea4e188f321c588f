"""The table's key schema and tab indexes, as plain data.

One source of truth: the pynamodb models, the CDK data construct and the local stack
all build the table from these constants.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TABS = ("open", "on_hold", "closed", "spam", "all")


@dataclass(frozen=True)
class TabIndex:
    """A sparse GSI listing one tab of one hotel, newest last message first."""

    tab: str
    name: str
    partition_key: str  # the hotel id
    sort_key: str  # "<last_message_at>#<conversation id>"


TAB_INDEXES: dict[str, TabIndex] = {
    tab: TabIndex(tab=tab, name=f"tab-{tab.replace('_', '-')}", partition_key=f"{tab}_pk", sort_key=f"{tab}_sk")
    for tab in TABS
}


@dataclass(frozen=True)
class Index:
    """A sparse GSI of the team's views (assignee filters, waiting order); see ``store.team``."""

    name: str
    partition_key: str
    sort_key: str


# The team's indexes. A conversation is in each while its status says so, and leaves it when its
# key attributes are REMOVED (never set to null). ``all_sk`` is the ``all`` tab's own sort key, shared.
TEAM_ALL = Index("team-all", "team_all_pk", TAB_INDEXES["all"].sort_key)  # "<hotel>#<assignee or ->"; not spam
TEAM_TAB = Index("team-tab", "team_tab_pk", "team_tab_sk")  # "<hotel>#<assignee or ->#<tab>"; open/on_hold/closed
# Open only; "<waiting_since>#<id>", or "~<last_message_at>#<id>" when nobody waits: read ascending.
OPEN_WAITING = Index("open-waiting", "waiting_pk", "waiting_sk")  # the hotel
TEAM_WAITING = Index("team-waiting", "team_waiting_pk", "waiting_sk")  # "<hotel>#<assignee or ->"
TEAM_INDEXES: tuple[Index, ...] = (TEAM_ALL, TEAM_TAB, OPEN_WAITING, TEAM_WAITING)
TEAM_TABS = ("open", "on_hold", "closed")  # the tabs of the team-tab index

# The missed questions' list (issue 15, ``store.missed``): a group item is in it while asked and neither taught nor
# dismissed since (teaching or dismissing REMOVEs both keys). Partition: the hotel; sort: "<last_asked_at>#<group>",
# read descending (last asked first).
MISSED_RECENT = Index("missed-recent", "missed_pk", "missed_sk")

# Counters are spread over a few items per hotel so that bursts of status changes in
# parallel transactions rarely meet on one item; one Query reads them all.
COUNTER_SHARDS = 4

# The table's time-to-live attribute (epoch seconds): DynamoDB deletes an item some time after it
# (within days, not at once), so readers still check it. The table must enable TTL on this name.
TTL_ATTRIBUTE = "expires_at"


# What each stream record carries: the new image (the real-time fan-out) and the old one (the expiry function reads
# the item TTL removed, which a REMOVE record carries only as its old image).
STREAM_VIEW = "NEW_AND_OLD_IMAGES"


def table_definition(table_name: str, *, stream: bool = False) -> dict:
    """``CreateTable`` arguments for the table (used by tests and the local stack).

    ``stream``: with its DynamoDB Stream (new and old images: the consoles' real time reads the new image, the
    expiry function the old image of an item TTL removed); off by default because moto then keeps every write in
    memory (the local stack and the tests of the changes turn it on)."""
    indexes: list[TabIndex | Index] = [*TAB_INDEXES.values(), *TEAM_INDEXES, MISSED_RECENT]  # new ones last
    attributes = list(dict.fromkeys([PARTITION_KEY, SORT_KEY, *(a for i in indexes for a in (i.partition_key, i.sort_key))]))
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}, {"AttributeName": SORT_KEY, "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": i.name,
                "KeySchema": [
                    {"AttributeName": i.partition_key, "KeyType": "HASH"},
                    {"AttributeName": i.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in indexes
        ],
        **({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": STREAM_VIEW}} if stream else {}),
    }


def time_to_live(table_name: str) -> dict:
    """``UpdateTimeToLive`` arguments turning the table's TTL on, on ``TTL_ATTRIBUTE`` (a call of its own after
    ``CreateTable``; the CDK table sets it in its definition). moto accepts it and never deletes anything: tests
    simulate the expiry (``tests/integration/expiry``)."""
    return {"TableName": table_name, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}}


# The consoles' open sockets (issue 13), in a table of their own so that their churn never reaches the main
# table's stream: pk "CONNECTION#<id>" / sk "CONNECTION", and one item per hotel pk "HOTEL#<h>" / sk "<id>".
CONNECTIONS_TTL_ATTRIBUTE = TTL_ATTRIBUTE  # epoch seconds; the table must enable TTL on it (a call of its own)


def connections_table_definition(table_name: str) -> dict:
    """``CreateTable`` arguments for the connections table (used by tests and the local stack)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}, {"AttributeName": SORT_KEY, "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in (PARTITION_KEY, SORT_KEY)],
    }
