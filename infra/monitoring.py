"""The monitoring construct: the alarms topic and the alarms that notify it.

- One alarm per dead-letter queue: a message in a DLQ is work Lobby gave up on (a reply not
  delivered, a notification not taken, a wake-up not fired); one visible message is enough.
- One alarm per queue consumer on the function's `Errors`: a record that fails alone is reported
  as a batch item failure and retried, so `Errors` counts only what broke the whole invocation
  (an exception outside the batch processor, a timeout, a failed init).
- One alarm per scheduled function on its `Errors` (the hourly Expedia reconciliation): a failed run
  is retried by Lambda, and each failure means notifications Expedia could not deliver still wait.
- One alarm per stream consumer (the real-time fan-out) on its `Errors` (a batch retried, then bisected,
  then dropped to its DLQ: consoles miss updates until they reconnect) and one on its `IteratorAge`: above
  a minute the consoles see changes late, and at the mapping's maximum record age (5 min) they are dropped.
- One alarm per WebSocket route function (the socket function) on its `Errors`: a failed `$connect`
  refuses an agent's socket (the console falls back to polling), a failed presence message is lost.
- The expiry function (the stream's TTL removals) on its `Errors` (a batch retried, bisected, then its positions
  sent to its DLQ: counts stay too high, contacts and files are kept) and on its `IteratorAge` above 6 hours: the
  stream keeps a record 24 hours, so a consumer that far behind is on its way to losing removals.

The topic `lobby-alarms` is encrypted with its own customer managed key: CloudWatch cannot
publish to a topic encrypted with the AWS managed key `alias/aws/sns`, whose key policy does
not let cloudwatch.amazonaws.com use it. The key's policy and the topic's policy let CloudWatch
alarms of this account (named `lobby-*`) publish, and nothing else beyond the account's own IAM.
Subscribe people or a chat hook to the topic (stack output AlarmTopicArn).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import names

PERIOD = Duration.minutes(5)
ITERATOR_AGE_LIMIT_MS = 60_000  # a change a minute old is late for an agent waiting on it
EXPIRY_ITERATOR_AGE_LIMIT_MS = 6 * 3600 * 1000  # a quarter of the stream's 24 hours: time to act before any is lost
CLOUDWATCH = "cloudwatch.amazonaws.com"


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        dead_letter_queues: Mapping[str, sqs.IQueue],
        functions: Mapping[str, lambda_.IFunction],
        scheduled_functions: Mapping[str, lambda_.IFunction] | None = None,
        stream_consumers: Mapping[str, lambda_.IFunction] | None = None,
        socket_functions: Mapping[str, lambda_.IFunction] | None = None,
        expiry_functions: Mapping[str, lambda_.IFunction] | None = None,
    ):
        """`dead_letter_queues`, `functions` (queue consumers), `scheduled_functions`, `stream_consumers`,
        `socket_functions` and `expiry_functions`: the resource's name (literal, it names the alarm) -> it."""
        super().__init__(scope, id)
        scheduled_functions = scheduled_functions or {}
        stream_consumers = stream_consumers or {}
        socket_functions = socket_functions or {}
        expiry_functions = expiry_functions or {}
        for name in (*dead_letter_queues, *functions, *scheduled_functions, *stream_consumers, *socket_functions,
                     *expiry_functions):
            if not name.startswith(names.ALARM_PREFIX):  # the policies let only `lobby-*` alarms publish
                raise ValueError(f"alarm names start with {names.ALARM_PREFIX!r}: {name!r}")
        self.topic = self._topic()
        action = cloudwatch_actions.SnsAction(self.topic)

        self.dlq_alarms = {
            name: self._alarm_above_zero(
                name, f"{name}-not-empty", action,
                f"Messages wait in the dead-letter queue {name}: look at their reason in the logs, fix, then "
                "redrive or delete them",
                queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"))
            for name, queue in dead_letter_queues.items()
        }
        # What a failed invocation means, by kind of function ("{name}": the function's).
        errors_meaning = (
            (functions, "{name} failed whole invocations (errors outside the batch processor, timeouts, init "
                        "failures): its batches are retried as a whole"),
            (scheduled_functions, "{name} failed a scheduled run (an error, a timeout, an init failure): Lambda "
                                  "retries it twice within the hour; look at its logs, what it did not do waits for "
                                  "its next run"),
            (stream_consumers, "{name} failed stream batches (errors outside the batch processor, timeouts, init "
                               "failures): the batch is retried, then bisected, then its positions go to the DLQ and "
                               "consoles miss those changes until they reconnect; look at its logs"),
            (socket_functions, "{name} failed WebSocket route invocations: a failed $connect refuses an agent's "
                               "socket (the console polls meanwhile), a failed presence message is lost; look at its "
                               "logs"),
            (expiry_functions, "{name} failed batches of TTL removals (errors outside the batch processor, "
                               "timeouts, init failures): the batch is retried, bisected, then its positions go to "
                               "its DLQ, and the counts, contacts and files of those conversations are not "
                               "corrected; look at its logs"),
        )
        self.error_alarms = {
            name: self._alarm_above_zero(name, f"{name}-errors", action, meaning.format(name=name),
                                         function.metric_errors(period=PERIOD, statistic="Sum"))
            for group, meaning in errors_meaning for name, function in group.items()
        }
        self.iterator_age_alarms = {
            name: self._iterator_age_alarm(
                name, function, ITERATOR_AGE_LIMIT_MS,
                f"{name} reads the table's stream more than {ITERATOR_AGE_LIMIT_MS // 1000} s behind: consoles see "
                "changes late, and records past the mapping's maximum age are dropped; look at its duration, errors "
                "and throttles", action)
            for name, function in stream_consumers.items()
        }
        self.iterator_age_alarms |= {
            name: self._iterator_age_alarm(
                name, function, EXPIRY_ITERATOR_AGE_LIMIT_MS,
                f"{name} reads the table's stream more than {EXPIRY_ITERATOR_AGE_LIMIT_MS // 3_600_000} hours "
                "behind: the stream keeps a record 24 hours, after which a removal's counts and files are never "
                "corrected; look at its duration, errors and throttles", action)
            for name, function in expiry_functions.items()
        }

    def _alarm_above_zero(self, id: str, alarm_name: str, action, description: str, metric) -> cloudwatch.Alarm:
        """An alarm on the first datapoint above zero (no data is fine), notifying the topic."""
        alarm = cloudwatch.Alarm(
            self, id,
            alarm_name=alarm_name,
            alarm_description=description,
            metric=metric,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            threshold=0,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(action)
        return alarm

    def _iterator_age_alarm(self, name: str, function: lambda_.IFunction, limit_ms: int, description: str,
                            action) -> cloudwatch.Alarm:
        """``<name>-iterator-age``: the stream consumer's oldest record read above ``limit_ms`` on the first
        datapoint (no data is fine), notifying the topic."""
        alarm = cloudwatch.Alarm(
            self, f"{name}-iterator-age",
            alarm_name=f"{name}-iterator-age",
            alarm_description=description,
            metric=function.metric("IteratorAge", period=PERIOD, statistic="Maximum"),
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            threshold=limit_ms,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(action)
        return alarm

    def _topic(self) -> sns.Topic:
        stack = Stack.of(self)
        # Alarms of this account and region only, and only Lobby's (confused deputy).
        from_lobby_alarms = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": stack.format_arn(
                service="cloudwatch", resource="alarm", resource_name=f"{names.ALARM_PREFIX}*",
                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)},
        }
        self.key = kms.Key(
            self, "TopicKey",
            description=f"Encrypts the {names.ALARM_TOPIC} topic; CloudWatch alarms may use it to publish",
            enable_key_rotation=True,
            # Nothing is stored under this key (SNS keeps no messages once delivered).
            removal_policy=cdk.RemovalPolicy.DESTROY,
            pending_window=Duration.days(7),
        )
        self.key.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchAlarmsPublish",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions=from_lobby_alarms,
        ))
        topic = sns.Topic(
            self, "Topic",
            topic_name=names.ALARM_TOPIC,
            display_name="Lobby alarms",
            master_key=self.key,
            enforce_ssl=True,
        )
        # The topic policy replaces SNS's default one: CloudWatch must be allowed by name.
        topic.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchAlarmsPublish",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions=from_lobby_alarms,
        ))
        return topic
