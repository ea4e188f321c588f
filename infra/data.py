"""The data construct: Lobby's single DynamoDB table, its sparse indexes and its time to live.

Every index comes from ``store.schema.table_definition`` (the same ``CreateTable`` arguments the local stack
and the tests create the table with), never from a copy here: an index the store adds is deployed as is.
CloudFormation creates or deletes at most one global secondary index of a table per stack update, so a
deployed table gets each new index in its own deploy: ``cdk deploy -c indexes=N`` builds only the schema's
first N indexes (README: Deploying new indexes); without it, all of them.

The table's DynamoDB Stream (new and old images, ``store.schema.STREAM_VIEW``, as ``table_definition(stream=True)``
writes it) feeds the consoles' real time (``infra/realtime.py``): every writer's changes reach the fan-out without
calling a publisher; and the expiry function (``infra/expiry.py``), which reads the old image of each item DynamoDB's
TTL removed (``store.schema.TTL_ATTRIBUTE``, epoch seconds, enabled on the table here).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from store.schema import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, table_definition

_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER,
          "B": dynamodb.AttributeType.BINARY}
INDEXES_CONTEXT = "indexes"  # cdk -c indexes=N: the first N indexes of store.schema only
_PROJECTIONS = {"ALL": dynamodb.ProjectionType.ALL, "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
                "INCLUDE": dynamodb.ProjectionType.INCLUDE}


def global_indexes() -> list[dict]:
    """The table's GSIs as ``CreateTable`` writes them (``store.schema``), in their order."""
    return list(table_definition("-").get("GlobalSecondaryIndexes", []))


def index_names() -> list[str]:
    """Every GSI's name: what a function that queries the indexes is granted, index by index."""
    return [index["IndexName"] for index in global_indexes()]


class Data(Construct):
    """The table: on demand, point-in-time recovery, deletion protection, kept on stack delete; DynamoDB
    deletes an item some time after its TTL attribute's epoch seconds (store.schema.TTL_ATTRIBUTE)."""

    def __init__(self, scope: Construct, id: str, *, table_name: str):
        super().__init__(scope, id)
        definition = table_definition(table_name, stream=True)
        gsis = definition.get("GlobalSecondaryIndexes", [])
        limit = self.node.try_get_context(INDEXES_CONTEXT)
        if limit is not None:
            if not str(limit).isdigit() or not 1 <= int(limit) <= len(gsis):
                raise ValueError(f"-c {INDEXES_CONTEXT}={limit}: give 1 to {len(gsis)} (the indexes of store.schema)")
            gsis = gsis[:int(limit)]
        types = {a["AttributeName"]: _TYPES[a["AttributeType"]] for a in definition["AttributeDefinitions"]}
        self.table = dynamodb.Table(
            self, "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=types[PARTITION_KEY]),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=types[SORT_KEY]),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=True,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=TTL_ATTRIBUTE,
            stream=dynamodb.StreamViewType[definition["StreamSpecification"]["StreamViewType"]],  # NEW_AND_OLD_IMAGES
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in gsis:
            keys = {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]}
            projection = index.get("Projection", {"ProjectionType": "ALL"})
            self.table.add_global_secondary_index(
                index_name=index["IndexName"],
                partition_key=dynamodb.Attribute(name=keys["HASH"], type=types[keys["HASH"]]),
                sort_key=dynamodb.Attribute(name=keys["RANGE"], type=types[keys["RANGE"]]) if "RANGE" in keys else None,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
