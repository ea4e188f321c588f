"""Resource names and definitions shared by the CDK app, the local stack and the tests.

One source of truth: the constructs in ``infra/`` and the local stack (``local/``) both
read what is here, so that ``make run`` creates on moto exactly what CDK deploys (the
table's definition comes from ``store.schema`` the same way). Plain Python: nothing here
imports CDK.

The function code reads most of these through environment variables that the stack
sets (see ``wiring/settings.py``); the defaults there match the values here.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 24 * 3600  # seconds

STACK = "Lobby"
TABLE = "lobby"

# Functions: one folder per function under functions/, each with handler.py's `handler`.
API_FUNCTION = "lobby-api"
API_HANDLER = "api.handler.handler"
AUTHORIZER_FUNCTION = "lobby-authorizer"
AUTHORIZER_HANDLER = "authorizer.handler.handler"
WAKE_UP_FUNCTION = "lobby-wake-up"
WAKE_UP_HANDLER = "wake_up.handler.handler"
EXPEDIA_CALLBACK_FUNCTION = "lobby-expedia-callback"
EXPEDIA_CALLBACK_HANDLER = "expedia_callback.handler.handler"
EXPEDIA_INGEST_FUNCTION = "lobby-expedia-ingest"
EXPEDIA_INGEST_HANDLER = "expedia_ingest.handler.handler"
OUTBOUND_SENDER_FUNCTION = "lobby-outbound-sender"
OUTBOUND_SENDER_HANDLER = "outbound_sender.handler.handler"
# Pages Expedia's undelivered notifications onto the events queue: hourly (an EventBridge Scheduler
# rate schedule) in AWS, every EXPEDIA_RECONCILE_LOCAL_PERIOD_SECONDS in the local stack.
EXPEDIA_RECONCILE_FUNCTION = "lobby-expedia-reconcile"
EXPEDIA_RECONCILE_HANDLER = "expedia_reconcile.handler.handler"
EXPEDIA_RECONCILE_RATE = "rate(1 hour)"
EXPEDIA_RECONCILE_LOCAL_PERIOD_SECONDS = 60
DEPENDENCIES_LAYER = "lobby-dependencies"

# Powertools settings common to every function.
POWERTOOLS_SERVICE_NAME = "lobby"
POWERTOOLS_METRICS_NAMESPACE = "Lobby"

# Messaging: replies leave through this queue (consumed by the channel senders).
OUTBOUND_QUEUE = "lobby-outbound"
OUTBOUND_DLQ = "lobby-outbound-dlq"
OUTBOUND_SENDER_TIMEOUT_SECONDS = 30

# Scheduling: one-time wake-ups of held conversations.
SCHEDULE_GROUP = "lobby-wake-ups"
SCHEDULER_ROLE = "lobby-scheduler"
SCHEDULER_DLQ = "lobby-wake-ups-dlq"

# The Expedia channel: Lobby's credentials and callback secret, and the queue between the
# callback (which only checks the signature) and the ingest function.
EXPEDIA_SECRET = "lobby/expedia"
EXPEDIA_EVENTS_QUEUE = "lobby-expedia-events"
EXPEDIA_EVENTS_DLQ = "lobby-expedia-events-dlq"
EXPEDIA_GRAPHQL_URL = "https://api.expediagroup.com/supply/lodging/graphql"
EXPEDIA_TOKEN_URL = "https://api.expediagroup.com/identity/oauth2/v3/token"
EXPEDIA_INGEST_TIMEOUT_SECONDS = 60  # up to 10 notifications, each one or two GraphQL calls
# The secret's JSON fields (read by functions/expedia/credentials.py).
EXPEDIA_SECRET_FIELDS = ("client_id", "client_secret", "callback_secret")
EXPEDIA_SECRET_GENERATED_FIELD = "callback_secret"  # CDK generates it until Expedia's is pasted in
# Expedia's attachment service (REST, same bearer token as GraphQL): the ingest downloads travelers' files,
# the sender uploads agents' files (expedia.md, Attachments and reconciliation).
EXPEDIA_FILES_URL = "https://api.expediagroup.com/supply-lodging/v1/files"

# Reconciliation (EXPEDIA_RECONCILE_RATE): Expedia retries a messaging notification hourly for one day, then
# never again, so what it could not deliver is paged back onto the events queue (the same idempotent ingest).
# The recurring schedule has a group of its own: not the wake-ups group, whose schedules the api function
# may create and delete, and not the default group, so that its role trusts Scheduler for this group only
# (aws:SourceArn must name a schedule group, never a schedule).
EXPEDIA_RECONCILE_SCHEDULE = "lobby-expedia-reconcile"
EXPEDIA_RECONCILE_SCHEDULE_GROUP = "lobby-reconciliation"
EXPEDIA_RECONCILE_DLQ = "lobby-expedia-reconcile-dlq"  # runs Scheduler could not start
EXPEDIA_RECONCILE_TIMEOUT_SECONDS = 600  # 26 hours of notifications, 50 a page; well before the next hourly run
# A run not started within the hour is dropped: the next run pages the same 26 hours.
EXPEDIA_RECONCILE_MAX_EVENT_AGE_SECONDS = 3600
EXPEDIA_RECONCILE_RETRY_ATTEMPTS = 3


# Queues and the event source mappings that feed them to functions.

# AWS: a message is received at least 5 times before its DLQ takes it; a queue's visibility
# timeout is at least six times its Lambda consumer's timeout; a DLQ keeps messages longer
# than its source queue (14 days is the maximum).
MAX_RECEIVE_COUNT = 5
VISIBILITY_TIMEOUT_FACTOR = 6
QUEUE_RETENTION_SECONDS = 4 * DAY  # SQS's default, written out
DLQ_RETENTION_SECONDS = 14 * DAY


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue as CDK deploys it and the local stack creates it."""

    name: str
    retention_seconds: int
    visibility_timeout_seconds: int | None = None  # None: SQS's default (30 s)
    dead_letter_queue: str | None = None  # the DLQ's name, with max_receive_count
    max_receive_count: int | None = None


@dataclass(frozen=True)
class EventSourceSpec:
    """A Lambda SQS event source mapping (with ReportBatchItemFailures)."""

    queue: str
    function: str
    handler: str
    batch_size: int
    batching_window_seconds: int = 0  # 0: none
    # At most this many concurrent invocations (2..1000; None: no cap). Beyond it Lambda stops polling
    # and messages wait in the queue: no throttling, no receive counted, nothing reserved.
    max_concurrency: int | None = None


OUTBOUND_DLQ_SPEC = QueueSpec(OUTBOUND_DLQ, DLQ_RETENTION_SECONDS)
OUTBOUND_QUEUE_SPEC = QueueSpec(
    OUTBOUND_QUEUE, QUEUE_RETENTION_SECONDS,
    visibility_timeout_seconds=VISIBILITY_TIMEOUT_FACTOR * OUTBOUND_SENDER_TIMEOUT_SECONDS,
    dead_letter_queue=OUTBOUND_DLQ, max_receive_count=MAX_RECEIVE_COUNT,
)
EXPEDIA_EVENTS_DLQ_SPEC = QueueSpec(EXPEDIA_EVENTS_DLQ, DLQ_RETENTION_SECONDS)
EXPEDIA_EVENTS_QUEUE_SPEC = QueueSpec(
    EXPEDIA_EVENTS_QUEUE, QUEUE_RETENTION_SECONDS,
    visibility_timeout_seconds=VISIBILITY_TIMEOUT_FACTOR * EXPEDIA_INGEST_TIMEOUT_SECONDS,
    dead_letter_queue=EXPEDIA_EVENTS_DLQ, max_receive_count=MAX_RECEIVE_COUNT,
)
SCHEDULER_DLQ_SPEC = QueueSpec(SCHEDULER_DLQ, DLQ_RETENTION_SECONDS)
EXPEDIA_RECONCILE_DLQ_SPEC = QueueSpec(EXPEDIA_RECONCILE_DLQ, DLQ_RETENTION_SECONDS)
# Every queue of the stack, each DLQ before the queues that redrive into it.
QUEUES = (OUTBOUND_DLQ_SPEC, OUTBOUND_QUEUE_SPEC, EXPEDIA_EVENTS_DLQ_SPEC, EXPEDIA_EVENTS_QUEUE_SPEC,
          SCHEDULER_DLQ_SPEC, EXPEDIA_RECONCILE_DLQ_SPEC)

# The Expedia consumers' caps. Without one, a burst (a reconciliation after an outage puts a day of
# notifications on the queue at once) scales the ingest up to 1,000 concurrent invocations, the account's
# whole default Lambda concurrency: the API and the authorizer would be throttled while agents work. Both
# consumers call Expedia (GraphQL, the attachment service), which throttles a partner with 429s that only
# come back as retries and, after five receives, DLQ entries; and a hotel's burst meets on its few counter
# shards (store.schema.COUNTER_SHARDS = 4), where parallel transactions conflict.
# 5 ingest invocations of 10 notifications: about 50 notifications in flight, some 5 to 10 a second at
# 0.5 to 1 s of Expedia per notification, so a day's backlog of a few thousand drains within minutes.
# 5 senders of 10 jobs: replies leave within seconds, and files (up to 10 of 5 MB a reply) are uploaded
# by at most 5 invocations at once. Together 10 of the account's 1,000.
EXPEDIA_INGEST_MAX_CONCURRENCY = 5
OUTBOUND_SENDER_MAX_CONCURRENCY = 5
EXPEDIA_INGEST_SOURCE = EventSourceSpec(EXPEDIA_EVENTS_QUEUE, EXPEDIA_INGEST_FUNCTION, EXPEDIA_INGEST_HANDLER,
                                        batch_size=10, batching_window_seconds=1,
                                        max_concurrency=EXPEDIA_INGEST_MAX_CONCURRENCY)
OUTBOUND_SENDER_SOURCE = EventSourceSpec(OUTBOUND_QUEUE, OUTBOUND_SENDER_FUNCTION, OUTBOUND_SENDER_HANDLER,
                                         batch_size=10, max_concurrency=OUTBOUND_SENDER_MAX_CONCURRENCY)
EVENT_SOURCES = (EXPEDIA_INGEST_SOURCE, OUTBOUND_SENDER_SOURCE)

# Attachments: one bucket. In AWS its name is this prefix + "-{account}-{region}" (bucket names are
# global); locally, and as the setting's default, this fixed name.
ATTACHMENTS_BUCKET = "lobby-attachments"
# The bucket's CORS rule, for the console's origin only: the browser POSTs uploads (presigned) and GETs files.
ATTACHMENTS_CORS_METHODS = ("POST", "GET", "HEAD")
ATTACHMENTS_CORS_HEADERS = ("*",)  # a presigned POST is a multipart form; S3 checks the policy, not headers
ATTACHMENTS_CORS_MAX_AGE_SECONDS = 3600

# Monitoring: every alarm notifies this topic; alarm names start with the prefix.
ALARM_TOPIC = "lobby-alarms"
ALARM_PREFIX = "lobby-"

# Auth: the console agents' user pool.
USER_POOL = "lobby-agents"
CONSOLE_CLIENT = "lobby-console"
HOTEL_IDS_ATTRIBUTE = "hotel_ids"  # the token claim is custom:hotel_ids
HOTEL_IDS_MAX_LENGTH = 2048
ROLE_ATTRIBUTE = "role"  # the token claim is custom:role: one of auth.principal.ROLES (the admin command writes it)
ROLE_MAX_LENGTH = 16
# The api function's agent directory reads the pool's groups (one per hotel, directory.cognito.group_name):
# the environment variable of wiring.settings.Settings.user_pool_id.
USER_POOL_ID_VARIABLE = "USER_POOL_ID"
# What the console's app client may read and write, in Cognito's attribute names. It writes
# neither custom attribute: an agent must never grant herself a hotel or a role.
CONSOLE_READ_ATTRIBUTES = ("email", "email_verified", "name", f"custom:{HOTEL_IDS_ATTRIBUTE}",
                           f"custom:{ROLE_ATTRIBUTE}")
CONSOLE_WRITE_ATTRIBUTES = ("name",)
SIGN_IN_ATTRIBUTE = "email"  # agents sign in with their email (the pool's username attribute)
SIGN_IN_CASE_SENSITIVE = False
PASSWORD_MIN_LENGTH = 12  # and lowercase, uppercase, digits and symbols are all required
TEMPORARY_PASSWORD_VALIDITY_DAYS = 3
# The console client's auth flows, as Cognito names them (CDK adds refresh tokens by itself).
CONSOLE_AUTH_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
CONSOLE_ID_TOKEN_VALIDITY_MINUTES = 60
CONSOLE_ACCESS_TOKEN_VALIDITY_MINUTES = 60
CONSOLE_REFRESH_TOKEN_VALIDITY_DAYS = 30

# API: the contract's paths start with /v1, so the stage is not a version.
API = "lobby-api"
API_STAGE = "prod"
AUTHORIZER = "lobby-authorizer"
PARTNER_USAGE_PLAN = "lobby-partners"
CONSOLE_USAGE_PLAN = "lobby-console"
# Channels' servers call these without Lobby credentials; each request is signed by the channel.
EXPEDIA_CALLBACK_PATH = "/v1/channels/expedia/notifications"
OPENAPI_PATH = "/v1/openapi.json"  # public: no authorizer, no API key
HOTEL_ROUTE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # /v1/hotels/{proxy+}, behind the authorizer
# (PUT: the bot, saved replies; PATCH: the hotel; DELETE: saved replies)
CORS_ALLOW_HEADERS = ("Authorization", "Content-Type", "x-api-key")
CORS_ALLOW_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CORS_MAX_AGE_SECONDS = 3600

# --- Real time (issue 13): a WebSocket API pushes the table's changes to the consoles ------------
# The socket function serves $connect, $disconnect and the presence route (and $default, which
# ignores what it cannot read); the fan-out function reads the main table's DynamoDB Stream.
REALTIME_API = "lobby-realtime"
REALTIME_STAGE = "live"
REALTIME_SOCKET_FUNCTION = "lobby-realtime-socket"
REALTIME_SOCKET_HANDLER = "realtime_socket.handler.handler"
REALTIME_FANOUT_FUNCTION = "lobby-realtime-fanout"
REALTIME_FANOUT_HANDLER = "realtime_fanout.handler.handler"
REALTIME_FANOUT_DLQ = "lobby-realtime-fanout-dlq"  # stream batches the fan-out gave up on (their stream positions)
REALTIME_FANOUT_DLQ_SPEC = QueueSpec(REALTIME_FANOUT_DLQ, DLQ_RETENTION_SECONDS)
REALTIME_ROUTE_SELECTION = "$request.body.action"
REALTIME_PRESENCE_ROUTE = "presence"  # a client's {"action": "presence", "conversation_id", "state"}
REALTIME_TOKEN_QUERY = "token"  # the ID token travels as ?token=... (browsers cannot set headers on a WebSocket)
# Connections: a table of their own (pk "pk", sk "sk"), so connection churn never reaches the main
# table's stream. API Gateway closes any connection after 2 hours: an item outlives it by 10 minutes at most.
CONNECTIONS_TABLE = "lobby-connections"
CONNECTION_TTL_SECONDS = 2 * 3600 + 600
# The fan-out's event source: batches of up to 100 records, no batching window (an agent waits for
# them), split in two on an error (bisect) and retried twice; a record older than 5 minutes is no
# longer news (the console reloads what it shows when its socket reconnects).
REALTIME_FANOUT_BATCH_SIZE = 100
REALTIME_FANOUT_RETRY_ATTEMPTS = 2
REALTIME_FANOUT_MAX_RECORD_AGE_SECONDS = 300
REALTIME_FANOUT_TIMEOUT_SECONDS = 30
# Which of the table's items the fan-out is fed (a Lambda filter on the stream in AWS, the same match in
# the local runner): conversations, messages (and notes), and the counter shards. Exact sort keys and
# sort-key prefixes (store.keys: CONVERSATION_SK, MESSAGE_PREFIX, COUNTER_PREFIX).
REALTIME_FANOUT_SORT_KEYS = ("CONVERSATION",)
REALTIME_FANOUT_SORT_KEY_PREFIXES = ("MSG#", "COUNTERS#")
# Of those, only INSERT and MODIFY records, and REMOVE records of conversations only (erased or expired: the consoles
# drop the conversation). A removed message or counter shard is nothing a console shows: the expiry's REMOVE records
# of messages (the bulk of what TTL removes) never invoke the fan-out.
REALTIME_FANOUT_EVENTS = ("INSERT", "MODIFY")
REALTIME_FANOUT_REMOVED_SORT_KEYS = ("CONVERSATION",)
# A WebSocket frame is at most 32 KB: events for one connection are packed into frames below this size.
REALTIME_FRAME_MAX_BYTES = 30_000

# --- Guest data (issue 14): retention, expiry, export and erase ----------------------------------
# The expiry function reads the main table's stream for the items DynamoDB's TTL removed (a Lambda filter:
# eventName REMOVE by the principal below; the local runner applies the same match): a conversation's
# removal corrects the counts and lets its contact and search entries go; a message's removal deletes its files.
EXPIRY_FUNCTION = "lobby-expiry"
EXPIRY_HANDLER = "expiry.handler.handler"
EXPIRY_DLQ = "lobby-expiry-dlq"  # stream batches the expiry function gave up on (their stream positions)
EXPIRY_DLQ_SPEC = QueueSpec(EXPIRY_DLQ, DLQ_RETENTION_SECONDS)
TTL_PRINCIPAL = "dynamodb.amazonaws.com"  # userIdentity.principalId of a stream record TTL wrote
EXPIRY_SORT_KEYS = ("CONVERSATION",)  # store.keys.CONVERSATION_SK
EXPIRY_SORT_KEY_PREFIXES = ("MSG#",)  # store.keys.MESSAGE_PREFIX
EXPIRY_BATCH_SIZE = 100
EXPIRY_RETRY_ATTEMPTS = 10  # a removal is never news that goes stale: retry, then the DLQ
EXPIRY_TIMEOUT_SECONDS = 60
# Files: a lifecycle rule per retention tier, on the object tag below (the smallest tier at least the hotel's
# retention_days); the expiry function deletes a file when its message expires, the rule is the backstop.
ATTACHMENTS_RETENTION_TAG = "retention-days"
ATTACHMENTS_RETENTION_TIERS = (30, 60, 90, 180, 365, 730, 1095, 1825, 3650)
