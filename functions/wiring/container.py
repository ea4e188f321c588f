"""Builds the adapters and services a function needs, once per warm process and only when first used."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

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


class _Current:
    """Asks ``factory`` for the adapter at every use: it answers from its own cache, and a new
    adapter once what it depends on changed (the Expedia client after a rotated secret)."""

    def __init__(self, factory: Callable[[], Any]):
        self._factory = factory

    def __getattr__(self, name):
        return getattr(self._factory(), name)


def aws_client_config():
    """The botocore ``Config`` of every boto3 client: Lobby's timeouts and retries."""
    from botocore.config import Config

    config = settings()
    return Config(connect_timeout=config.aws_connect_timeout_seconds, read_timeout=config.aws_read_timeout_seconds,
                  retries={"mode": "standard", "total_max_attempts": config.aws_max_attempts})


@cache
def client(service: str):
    """One boto3 client per service for the warm function's life."""
    import boto3

    config = settings()
    return boto3.client(service, region_name=config.region, endpoint_url=config.aws_endpoint_url,
                        config=aws_client_config())


@lru_cache(maxsize=1)
def s3_client():
    """The S3 client: SigV4 (presigned POSTs and GETs need it) on the region's own endpoint; path-style
    when an endpoint is set (moto's server), virtual-hosted in AWS."""
    import boto3
    from botocore.config import Config

    config = settings()
    s3 = Config(signature_version="s3v4", s3={
        "addressing_style": "path" if config.aws_endpoint_url else "virtual",
        "us_east_1_regional_endpoint": "regional"})
    return boto3.client("s3", region_name=config.region, endpoint_url=config.aws_endpoint_url,
                        config=aws_client_config().merge(s3))


@lru_cache(maxsize=1)
def files():
    """Where attachment bytes live (``inbox.ports.AttachmentStorage``)."""
    from storage.s3 import S3AttachmentStorage

    return S3AttachmentStorage(s3_client(), settings().attachments_bucket)


@lru_cache(maxsize=1)
def store():
    from store.dynamo import DynamoStore

    config = settings()
    return DynamoStore(config.table_name, config.region, config.aws_endpoint_url,
                       connect_timeout_seconds=config.aws_connect_timeout_seconds,
                       read_timeout_seconds=config.aws_read_timeout_seconds,
                       max_retry_attempts=config.aws_max_attempts - 1,  # pynamodb counts the retries only
                       on_unreadable=_report_unreadable)


def _report_unreadable(key: str, error: Exception) -> None:
    """An item the store could not read (skipped, or shown with placeholders): logged with its key, counted."""
    from wiring.observability import count, logger

    logger.warning("unreadable item", extra={"item_key": key, "error": str(error)})
    count("Store.unreadable_item")


@lru_cache(maxsize=1)
def token_verifier():
    """The console agents' ID token verifier (the authorizer's token path)."""
    from auth.tokens import TokenVerifier

    return TokenVerifier.from_settings(settings())


@lru_cache(maxsize=1)
def key_use_notes():
    """When this warm process last wrote each partner key's ``last_used_at`` (the authorizer's)."""
    from auth.keys import UseNotes

    return UseNotes()


@lru_cache(maxsize=1)
def directory():
    """The hotels' agents (``inbox.ports.AgentDirectory``): the user pool's groups, cached per hotel."""
    from directory.cognito import CognitoDirectory

    config = settings()
    return CognitoDirectory(client("cognito-idp"), config.user_pool_id, ttl_seconds=config.agents_cache_seconds)


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
    from wiring.observability import count_transition, log_info

    return Inbox(
        store(), _Lazy(_scheduler), _Lazy(_outbox), bot=_Lazy(_bot), files=_Lazy(files), health=store(),
        directory=_Lazy(directory), audit=store(), guest_data=store(),
        channels_that_deliver=settings().channels_that_deliver,
        on_transition=count_transition, log=log_info,
    )


@lru_cache(maxsize=1)
def secrets():
    """Powertools' Secrets Manager provider on our client; it caches each value for ``max_age``."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client("secretsmanager"))


def expedia_credentials():
    """Lobby's Expedia credentials, read again once ``expedia_secret_max_age_seconds`` have passed,
    so a rotated secret is in use within that time, without a redeploy."""
    from expedia.credentials import ExpediaCredentials

    config = settings()
    value = secrets().get(config.expedia_secret_arn, max_age=config.expedia_secret_max_age_seconds, transform="json")
    return ExpediaCredentials.from_value(value)


@lru_cache(maxsize=1)
def _expedia_client_for(credentials):
    from expedia.client import ExpediaClient

    config = settings()
    return ExpediaClient(config.expedia_graphql_url, config.expedia_token_url, credentials.client_id,
                         credentials.client_secret, files_url=config.expedia_files_url,
                         timeout=config.expedia_read_timeout_seconds,
                         connect_timeout=config.expedia_connect_timeout_seconds,
                         backoff_factor=config.expedia_backoff_seconds,
                         backoff_jitter=config.expedia_backoff_seconds / 2)


def expedia_client():
    """The Expedia client for the current credentials: the same one (its session, its token)
    until the secret changes, then a new one with the new credentials."""
    return _expedia_client_for(expedia_credentials())


@lru_cache(maxsize=1)
def expedia_ingest():
    from expedia.ingest import ExpediaIngest
    from wiring.observability import log_info

    return ExpediaIngest(inbox(), _Current(expedia_client),
                         log=log_info)


@lru_cache(maxsize=1)
def expedia_sender():
    from expedia.sender import ExpediaSender

    return ExpediaSender(inbox(), _Current(expedia_client))


@lru_cache(maxsize=1)
def expedia_backfill():
    """A newly connected property's last 30 days, through the ingest's use cases (the admin command runs it)."""
    from expedia.backfill import ExpediaBackfill
    from wiring.observability import log_info

    return ExpediaBackfill(inbox(), _Current(expedia_client),
                           log=log_info)


@lru_cache(maxsize=1)
def expedia_reconciler():
    from expedia.reconcile import ExpediaReconciler, SqsNotificationQueue
    from wiring.observability import log_info

    return ExpediaReconciler(_Current(expedia_client), SqsNotificationQueue(client("sqs"),
                                                                            settings().expedia_events_queue_url),
                             store(), store(), log=log_info)


@lru_cache(maxsize=1)
def connections():
    """The consoles' open sockets (``inbox.ports.Connections``): the connections table."""
    from store.connections import DynamoConnections

    config = settings()
    return DynamoConnections(config.connections_table, config.region, config.aws_endpoint_url,
                             connect_timeout_seconds=config.aws_connect_timeout_seconds,
                             read_timeout_seconds=config.aws_read_timeout_seconds,
                             max_retry_attempts=config.aws_max_attempts - 1, on_unreadable=_report_unreadable)


@lru_cache(maxsize=1)
def connections_api():
    """API Gateway's @connections of the WebSocket stage (the local runner's emulator locally)."""
    import boto3

    config = settings()
    if not config.realtime_connections_url:
        raise RuntimeError("the @connections endpoint (setting realtime_connections_url) is not set")
    return boto3.client("apigatewaymanagementapi", region_name=config.region,
                        endpoint_url=config.realtime_connections_url, config=aws_client_config())


@lru_cache(maxsize=1)
def push():
    """Events to one console (``inbox.ports.Push``), shaped as the API shapes them for its agent."""
    from realtime.push import ApiGatewayPush
    from realtime.shape import Shaper
    from wiring.observability import count, log_info

    return ApiGatewayPush(_Lazy(connections_api), Shaper(_Lazy(inbox)), count=count, log=log_info)


@lru_cache(maxsize=1)
def realtime():
    """The consoles' sockets, presence and the fan-out (``inbox.realtime.Realtime``)."""
    from inbox.realtime import Realtime
    from wiring.observability import log_info

    return Realtime(connections(), push(), _Lazy(store), log=log_info, ttl_seconds=settings().connection_ttl_seconds)


@lru_cache(maxsize=1)
def expiry():
    """What follows DynamoDB's TTL removals (``inbox.expiry.Expiry``): the store, and the bucket for files."""
    from inbox.expiry import Expiry
    from wiring.observability import log_info

    return Expiry(store(), _Lazy(files), log=log_info)


def reset() -> None:
    """Forget everything built so far (tests and the local stack change settings between runs)."""
    for cached in (settings, client, s3_client, files, store, token_verifier, directory, inbox, secrets, _expedia_client_for,
                   expedia_ingest, expedia_sender, expedia_reconciler, expedia_backfill, connections, connections_api, push,
                   realtime, expiry, key_use_notes):
        cached.cache_clear()
