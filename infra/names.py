"""Resource names shared by the CDK app, the local stack and the tests.

The function code reads most of these through environment variables that the stack
sets (see ``wiring/settings.py``); the defaults there match the values here.
"""

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
DEPENDENCIES_LAYER = "lobby-dependencies"

# Powertools settings common to every function.
POWERTOOLS_SERVICE_NAME = "lobby"
POWERTOOLS_METRICS_NAMESPACE = "Lobby"

# Messaging: replies leave through this queue (consumed by the channel senders).
OUTBOUND_QUEUE = "lobby-outbound"
OUTBOUND_DLQ = "lobby-outbound-dlq"

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

# Monitoring: every alarm notifies this topic; alarm names start with the prefix.
ALARM_TOPIC = "lobby-alarms"
ALARM_PREFIX = "lobby-"

# Auth: the console agents' user pool.
USER_POOL = "lobby-agents"
CONSOLE_CLIENT = "lobby-console"
HOTEL_IDS_ATTRIBUTE = "hotel_ids"  # the token claim is custom:hotel_ids

# API: the contract's paths start with /v1, so the stage is not a version.
API = "lobby-api"
API_STAGE = "prod"
AUTHORIZER = "lobby-authorizer"
PARTNER_USAGE_PLAN = "lobby-partners"
CONSOLE_USAGE_PLAN = "lobby-console"
# Channels' servers call these without Lobby credentials; each request is signed by the channel.
EXPEDIA_CALLBACK_PATH = "/v1/channels/expedia/notifications"
