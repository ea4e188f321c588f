"""Builds the adapters and services a function needs, once per warm process and only when first used."""

from __future__ import annotations

from functools import cache, lru_cache

from wiring.settings import settings


class _Lazy:
    """Builds the wrapped adapter on first use, so routes that never need it pay nothing."""

    def __init__(self, factory):
        self._factory = factory
        self._target = None

    def __getattr__(self, name):
        if self._target is None:
            self._target = self._factory()
        return getattr(self._target, name)


@cache
def client(service: str):
    """One boto3 client per service for the warm function's life."""
    import boto3

    config = settings()
    return boto3.client(service, region_name=config.region, endpoint_url=config.aws_endpoint_url)


@lru_cache(maxsize=1)
def store():
    from store.dynamo import DynamoStore

    config = settings()
    return DynamoStore(config.table_name, config.region, config.aws_endpoint_url, on_unreadable=_report_unreadable)


def _report_unreadable(key: str, error: Exception) -> None:
    """An item the store could not read (skipped, or shown with placeholders): logged with its key, counted."""
    from aws_lambda_powertools.metrics import MetricUnit

    from wiring.observability import logger, metrics

    logger.warning("unreadable item", extra={"item_key": key, "error": str(error)})
    metrics.add_metric(name="Store.unreadable_item", unit=MetricUnit.Count, value=1)


def _scheduler():
    from scheduling.eventbridge import EventBridgeWakeUpScheduler

    config = settings()
    return EventBridgeWakeUpScheduler(
        client("scheduler"), group=config.schedule_group, target_arn=config.wake_up_function_arn,
        role_arn=config.scheduler_role_arn, dead_letter_arn=config.scheduler_dlq_arn,
    )


def _outbox():
    from outbox.sqs import SqsOutbox

    return SqsOutbox(client("sqs"), settings().outbound_queue_url)


def _bot():
    from bot.engine import KeywordBot

    return KeywordBot()


@lru_cache(maxsize=1)
def inbox():
    from inbox.service import Inbox
    from wiring.observability import count_transition, logger

    return Inbox(
        store(), _Lazy(_scheduler), _Lazy(_outbox), bot=_Lazy(_bot),
        channels_that_deliver=settings().channels_that_deliver,
        on_transition=count_transition, log=lambda message, **fields: logger.info(message, extra=fields),
    )


@lru_cache(maxsize=1)
def expedia_credentials():
    from expedia.credentials import ExpediaCredentials

    return ExpediaCredentials.from_secret(client("secretsmanager"), settings().expedia_secret_arn)


@lru_cache(maxsize=1)
def expedia_client():
    from expedia.client import ExpediaClient

    config, credentials = settings(), expedia_credentials()
    return ExpediaClient(config.expedia_graphql_url, config.expedia_token_url, credentials.client_id,
                         credentials.client_secret, backoff_factor=config.expedia_backoff_seconds,
                         backoff_jitter=config.expedia_backoff_seconds / 2)


@lru_cache(maxsize=1)
def expedia_ingest():
    from expedia.ingest import ExpediaIngest
    from wiring.observability import logger

    return ExpediaIngest(inbox(), store(), _Lazy(expedia_client),
                         log=lambda message, **fields: logger.info(message, extra=fields))


@lru_cache(maxsize=1)
def expedia_sender():
    from expedia.sender import ExpediaSender

    return ExpediaSender(store(), _Lazy(expedia_client))


def reset() -> None:
    """Forget everything built so far (tests and the local stack change settings between runs)."""
    for cached in (settings, client, store, inbox, expedia_credentials, expedia_client, expedia_ingest, expedia_sender):
        cached.cache_clear()
