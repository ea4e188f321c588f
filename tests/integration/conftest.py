"""Integration fixtures: a moto account with Lobby's table, queues and schedule group, a store on
it, and the settings the CDK stack would give the functions."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from conversations_helpers import RequestCounter
from lobby_env import GROUP, TABLE, WAKE_UP_ARN
from moto import mock_aws

from inbox.ports import Hotel
from store.dynamo import DynamoStore
from store.schema import table_definition, time_to_live


@pytest.fixture
def aws():
    with mock_aws():
        yield


@pytest.fixture
def table(aws, region):
    dynamodb = boto3.client("dynamodb", region_name=region)
    dynamodb.create_table(**table_definition(TABLE))
    dynamodb.update_time_to_live(**time_to_live(TABLE))
    return TABLE


@pytest.fixture
def store(table, region) -> DynamoStore:
    return DynamoStore(table, region)


@pytest.fixture
def hotel(store) -> Hotel:
    hotel = Hotel(id="h-lumiere", name="Hôtel Lumière", timezone="Europe/Paris")
    store.put_hotel(hotel)
    return hotel


@pytest.fixture
def requests_sent(store) -> RequestCounter:
    counter = RequestCounter()
    counter.attach(store)
    return counter


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def outbound_queue(aws, region):
    sqs = boto3.client("sqs", region_name=region)
    dlq = sqs.create_queue(QueueName="lobby-outbound-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs.create_queue(QueueName="lobby-outbound", Attributes={
        "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}'})["QueueUrl"]


@pytest.fixture
def schedule_group(aws, region):
    boto3.client("scheduler", region_name=region).create_schedule_group(Name=GROUP)
    return GROUP


@pytest.fixture
def api_settings(monkeypatch, table, outbound_queue, schedule_group, region):
    from wiring import container

    for name, value in {
        "TABLE_NAME": table, "SCHEDULE_GROUP": schedule_group, "WAKE_UP_FUNCTION_ARN": WAKE_UP_ARN,
        "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/lobby-scheduler",
        "SCHEDULER_DLQ_ARN": "arn:aws:sqs:eu-west-1:123456789012:lobby-scheduler-dlq",
        "OUTBOUND_QUEUE_URL": outbound_queue, "AWS_REGION": region,
    }.items():
        monkeypatch.setenv(name, value)
    container.reset()
    yield
    container.reset()


@pytest.fixture
def lobby_logs():
    """What the functions log (Powertools' logger does not propagate), as dicts of their fields."""
    import logging

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    logging.getLogger("lobby").addHandler(handler)
    yield lambda: [{"message": r.getMessage(), **{k: v for k, v in vars(r).items() if not k.startswith("_")}}
                   for r in records]
    logging.getLogger("lobby").removeHandler(handler)


@pytest.fixture(autouse=True, scope="session")
def moto_backs_up_only_what_a_transaction_touches():
    """moto backs up the whole table before a TransactWriteItems, once per item of the
    transaction: on thousands of items that makes the load tests quadratic. The local stack's
    backup (``local/moto_server.py``: the table's item maps copied, deep copies of the items the
    transaction names only) rolls back to exactly the same state, for the cost of what it touches;
    its rollback is tested in ``tests/e2e/test_local_moto_server.py``."""
    from local.moto_server import TransactionBackups

    backups = TransactionBackups()
    backups.install()
    yield
    backups.uninstall()


@pytest.fixture
def configure(monkeypatch):
    """Sets the functions' environment (settings by name) and has the composition root build
    everything again from it; returns the settings the functions now read."""
    from wiring import container

    def apply(**values):
        for name, value in values.items():
            monkeypatch.setenv(name.upper(), str(value))
        container.reset()
        return container.settings()

    yield apply
    container.reset()


@pytest.fixture
def admin_cli(capsys, table, region):
    """``python -m admin`` in-process against moto's table: ``(exit status, stdout, stderr)``."""
    from admin.__main__ import main as admin_main

    def run(*argv: str) -> tuple[int, str, str]:
        code = admin_main([*argv, "--table", table, "--region", region])
        out, err = capsys.readouterr()
        return code, out, err
    return run
