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

# Counters are spread over a few items per hotel so that bursts of status changes in
# parallel transactions rarely meet on one item; one Query reads them all.
COUNTER_SHARDS = 4

# The table's time-to-live attribute (epoch seconds): DynamoDB deletes an item some time after it
# (within days, not at once), so readers still check it. The table must enable TTL on this name.
TTL_ATTRIBUTE = "expires_at"


def table_definition(table_name: str) -> dict:
    """``CreateTable`` arguments for the table (used by tests and the local stack)."""
    attributes = [PARTITION_KEY, SORT_KEY] + [a for i in TAB_INDEXES.values() for a in (i.partition_key, i.sort_key)]
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
            for i in TAB_INDEXES.values()
        ],
    }
