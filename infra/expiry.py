"""The expiry construct: what follows when DynamoDB's TTL removes a conversation or a message.

    main table --TTL deletes an expired item--> its stream (REMOVE, old image, filtered) --> expiry function

- DynamoDB deletes an item some time after its `expires_at` (store.schema.TTL_ATTRIBUTE, epoch seconds; the data
  construct enables TTL on it) and writes a REMOVE record, with the item's old image, whose `userIdentity` is
  `{"type": "Service", "principalId": "dynamodb.amazonaws.com"}` (names.TTL_PRINCIPAL). A Lambda filter passes only
  those records (an erase's or any other writer's deletions are not expiries), and only of conversations
  (names.EXPIRY_SORT_KEYS) and messages (names.EXPIRY_SORT_KEY_PREFIXES): the other items of a conversation expire
  on their own and leave nothing to correct.
- The function (`functions/expiry/handler.py`): a conversation's removal decrements its hotel's counts in one
  transaction guarded by `store.keys.expired_guard` (a duplicate record changes nothing), deletes what its
  partition still holds, its search entries and mentions, and its files (listed under the conversation's prefix),
  takes it off its contact's set and deletes a contact left without conversations; a message's removal deletes
  its files from the attachments bucket by key (the bucket's lifecycle rules are the backstop).
- Event source: from TRIM_HORIZON (a removal is never news that goes stale: none may be skipped), batches of
  names.EXPIRY_BATCH_SIZE, partial batch responses, bisected on an error and retried names.EXPIRY_RETRY_ATTEMPTS
  times, no maximum record age (the stream keeps a record 24 hours); what it gives up on goes to the DLQ
  names.EXPIRY_DLQ as stream positions, which an alarm watches (infra/monitoring.py).
- IAM: the table's actions the expiry uses (TransactWriteItems is authorized item by item, as PutItem and
  UpdateItem), the listing and removal of the attachments' objects (infra/attachments.py grant_delete),
  sqs:SendMessage to its DLQ; the mapping grants the stream's reads itself.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from constructs import Construct

from infra import names
from infra.bundling import FunctionCode
from infra.functions import LobbyFunction
from infra.messaging import queue
from infra.realtime import SendOnlyDlq
from store.schema import SORT_KEY

EXPIRY_TIMEOUT = Duration.seconds(names.EXPIRY_TIMEOUT_SECONDS)
# The expiry's requests on the main table (store.expiry, store.guest_data): the conversation's expiry guard and a
# counter shard in one TransactWriteItems (IAM authorizes each item by its own action: PutItem for the guard,
# UpdateItem for the shard), what its partition still holds (a consistent Query of the table, no index), the contact
# (GetItem), those items, its search entries and its mentions deleted in batches (BatchWriteItem), the contact's set
# (UpdateItem) and an emptied contact deleted (DeleteItem). tests/infra/test_roles_on_moto.py runs the handler with
# exactly these actions.
EXPIRY_TABLE_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)


def expiry_filter_pattern() -> dict:
    """The Lambda filter of the expiry function's stream (the local sweeper builds records that pass it): REMOVE
    records written by DynamoDB's TTL (names.TTL_PRINCIPAL) of a conversation (names.EXPIRY_SORT_KEYS) or a message
    (names.EXPIRY_SORT_KEY_PREFIXES)."""
    values: list = [*names.EXPIRY_SORT_KEYS, *({"prefix": p} for p in names.EXPIRY_SORT_KEY_PREFIXES)]
    return {
        "eventName": ["REMOVE"],
        "userIdentity": {"type": ["Service"], "principalId": [names.TTL_PRINCIPAL]},
        "dynamodb": {"Keys": {SORT_KEY: {"S": values}}},
    }


class Expiry(Construct):
    def __init__(self, scope: Construct, id: str, *, table: dynamodb.ITable, code: FunctionCode):
        """`table`: the main table, with TTL on store.schema.TTL_ATTRIBUTE and its stream (new and old images)."""
        super().__init__(scope, id)
        self.function = LobbyFunction(
            self, "Function",
            code=code,
            function_name=names.EXPIRY_FUNCTION,
            handler=names.EXPIRY_HANDLER,
            description="Follows DynamoDB's TTL removals (its stream): corrects the counts of an expired "
                        "conversation, lets its contact and search entries go, deletes an expired message's files",
            table_name=table.table_name,
            memory_size=256,
            timeout=EXPIRY_TIMEOUT,
        )
        self.function.add_to_policy(iam.PolicyStatement(
            sid="Table", actions=list(EXPIRY_TABLE_ACTIONS), resources=[table.table_arn]))
        self.dlq = queue(self, "Dlq", names.EXPIRY_DLQ_SPEC)
        cdk.Validations.of(self.dlq).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself a dead-letter queue: the expiry function's stream mapping sends it the "
                   "positions of the batches it gave up on (retries exhausted); no queue redrives into it.",
        ))
        # The mapping grants the stream's reads itself (DescribeStream, GetRecords, GetShardIterator, ListStreams).
        self.function.function.add_event_source(event_sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,  # every removal in the stream, none skipped
            batch_size=names.EXPIRY_BATCH_SIZE,
            bisect_batch_on_error=True,
            retry_attempts=names.EXPIRY_RETRY_ATTEMPTS,
            report_batch_item_failures=True,
            on_failure=SendOnlyDlq(self.dlq, sid="ExpiryDlq"),
            filters=[lambda_.FilterCriteria.filter(expiry_filter_pattern())],
        ))
        # Lambda checks at the mapping's creation that the role may call dynamodb:ListStreams, an action
        # without resource-level permissions (the service authorization reference): it is on '*' beside X-Ray's.
        cdk.Validations.of(self.function.role.node.find_child("DefaultPolicy")).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="Only X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and the stream "
                   "mapping's dynamodb:ListStreams use Resource '*': none of them has resource-level permissions; "
                   "the expiry function reads the stream (DescribeStream, GetRecords, GetShardIterator) on its ARN.",
        ))
