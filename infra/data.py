"""The data construct: Lobby's single DynamoDB table, its five sparse tab indexes and its time to live."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from store.schema import PARTITION_KEY, SORT_KEY, TAB_INDEXES, TTL_ATTRIBUTE


class Data(Construct):
    """The table: on demand, point-in-time recovery, deletion protection, kept on stack delete; DynamoDB
    deletes an item some time after its TTL attribute's epoch seconds (store.schema.TTL_ATTRIBUTE)."""

    def __init__(self, scope: Construct, id: str, *, table_name: str):
        super().__init__(scope, id)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self, "Table",
            table_name=table_name,
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=string),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=True,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=TTL_ATTRIBUTE,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for spec in TAB_INDEXES.values():
            self.table.add_global_secondary_index(
                index_name=spec.name,
                partition_key=dynamodb.Attribute(name=spec.partition_key, type=string),
                sort_key=dynamodb.Attribute(name=spec.sort_key, type=string),
                projection_type=dynamodb.ProjectionType.ALL,
            )
