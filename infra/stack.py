"""LobbyStack: composes the constructs of each concern."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import names
from infra.api import Api
from infra.attachments import Attachments, bucket_origin
from infra.auth import Auth
from infra.bundling import FunctionCode
from infra.channels import ExpediaChannel
from infra.console import Console
from infra.data import Data
from infra.expiry import Expiry
from infra.messaging import Messaging
from infra.monitoring import Monitoring
from infra.realtime import Realtime
from infra.scheduling import Scheduling


class LobbyStack(Stack):
    def __init__(self, scope: Construct, id: str = names.STACK, **kwargs):
        super().__init__(scope, id, **kwargs)
        self.data = Data(self, "Data", table_name=names.TABLE)
        self.code = FunctionCode(self, "Code")
        self.messaging = Messaging(self, "Messaging")
        self.auth = Auth(self, "Auth")
        self.scheduling = Scheduling(self, "Scheduling", table=self.data.table, code=self.code)
        self.api = Api(
            self, "Api",
            table=self.data.table,
            code=self.code,
            auth=self.auth,
            scheduling=self.scheduling,
            outbound_queue=self.messaging.outbound_queue,
            # The console's origin (`cdk synth -c consoleOrigin=https://...`); any origin until it has one.
            allow_origin=self.node.try_get_context("consoleOrigin") or "*",
        )
        self.expedia = ExpediaChannel(
            self, "Expedia",
            table=self.data.table,
            code=self.code,
            messaging=self.messaging,
            scheduling=self.scheduling,
            # Expedia's production endpoints unless given (`-c expediaGraphqlUrl=... -c expediaTokenUrl=...`).
            graphql_url=self.node.try_get_context("expediaGraphqlUrl") or names.EXPEDIA_GRAPHQL_URL,
            token_url=self.node.try_get_context("expediaTokenUrl") or names.EXPEDIA_TOKEN_URL,
            files_url=self.node.try_get_context("expediaFilesUrl") or names.EXPEDIA_FILES_URL,
        )
        self.api.add_channel_callback("expedia", self.expedia.callback.function)
        self.realtime = Realtime(
            self, "Realtime",
            table=self.data.table,
            code=self.code,
            # One verification of the ID token: the REST API's authorizer function also authorizes $connect.
            authorizer_function=self.api.authorizer_function.function,
            gateway_account=self.api.rest_api.node.try_find_child("Account"),
        )
        # DynamoDB's TTL removals (the stream's REMOVE records of conversations and messages): counts corrected,
        # contacts and search entries let go, the messages' files deleted.
        self.expiry = Expiry(self, "Expiry", table=self.data.table, code=self.code)
        self.console = Console(
            self, "Console",
            api_url=self.api.rest_api.url,
            user_pool_id=self.auth.user_pool.user_pool_id,
            user_pool_client_id=self.auth.console_client.user_pool_client_id,
            file_origins=[bucket_origin()],
            realtime_url=self.realtime.url,
        )
        self.attachments = Attachments(
            self, "Attachments",
            # The bucket's CORS names the console's own origin, never "*": the custom one when given,
            # else its CloudFront domain.
            console_origin=self.node.try_get_context("consoleOrigin") or self.console.url,
            access_logs=self.console.access_logs_bucket,
        )
        self.attachments.grant_upload_and_read(self.api.function)
        self.attachments.grant_put(self.expedia.ingest)
        self.attachments.grant_read(self.expedia.sender)
        # A message event carries the attachment links the API would sign (a presigned GET is authorized as its signer).
        self.attachments.grant_read(self.realtime.fanout, "signs the attachment links of the messages it pushes")
        self.attachments.grant_delete(self.expiry.function)
        self.monitoring = Monitoring(
            self, "Monitoring",
            dead_letter_queues={
                names.OUTBOUND_DLQ: self.messaging.outbound_dlq,
                names.EXPEDIA_EVENTS_DLQ: self.expedia.events_dlq,
                names.SCHEDULER_DLQ: self.scheduling.dlq,
                names.EXPEDIA_RECONCILE_DLQ: self.expedia.reconciliation.dlq,
                names.REALTIME_FANOUT_DLQ: self.realtime.dlq,
                names.EXPIRY_DLQ: self.expiry.dlq,
            },
            functions={
                names.EXPEDIA_INGEST_FUNCTION: self.expedia.ingest.function,
                names.OUTBOUND_SENDER_FUNCTION: self.expedia.sender.function,
            },
            scheduled_functions={names.EXPEDIA_RECONCILE_FUNCTION: self.expedia.reconciliation.function.function},
            stream_consumers={names.REALTIME_FANOUT_FUNCTION: self.realtime.fanout.function},
            socket_functions={names.REALTIME_SOCKET_FUNCTION: self.realtime.socket.function},
            expiry_functions={names.EXPIRY_FUNCTION: self.expiry.function.function},
        )

        for id, value, description in (
            ("ConsoleUrl", self.console.url, "Where agents open the console"),
            ("ApiUrl", self.api.rest_api.url, "Base URL of the API; the contract's paths (/v1/...) follow it"),
            ("UserPoolId", self.auth.user_pool.user_pool_id, "Console agents' Cognito user pool"),
            ("UserPoolClientId", self.auth.console_client.user_pool_client_id, "The console's app client"),
            ("TableName", self.data.table.table_name, "Lobby's DynamoDB table"),
            ("OutboundQueueUrl", self.messaging.outbound_queue.queue_url, "Replies leaving on their channel"),
            ("ScheduleGroup", self.scheduling.group.schedule_group_name, "Wake-up schedules of held conversations"),
            ("PartnerUsagePlanId", self.api.partner_plan.usage_plan_id, "Add each partner's API key to this plan"),
            ("ExpediaCallbackUrl", self.api.rest_api.url_for_path(names.EXPEDIA_CALLBACK_PATH),
             "Give Expedia this notification callback URL"),
            ("ExpediaSecretArn", self.expedia.secret.secret_arn,
             "Paste Expedia's client_id, client_secret and callback_secret into this secret"),
            ("ExpediaEventsQueueUrl", self.expedia.events_queue.queue_url, "Expedia's notifications, to be ingested"),
            ("AttachmentsBucket", self.attachments.bucket.bucket_name, "Guests' and agents' files"),
            ("RealtimeUrl", self.realtime.url, "The consoles' WebSocket endpoint (config.json realtime_url)"),
            ("ConnectionsTableName", self.realtime.connections.table_name, "The consoles' open sockets"),
            ("AlarmTopicArn", self.monitoring.topic.topic_arn, "Subscribe whoever answers Lobby's alarms"),
        ):
            CfnOutput(self, id, value=value, description=description)
