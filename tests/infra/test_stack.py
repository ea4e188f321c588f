"""The CDK app synthesizes, passes cfn-lint and cdk-nag, and matches what the code expects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aws_cdk.assertions import Match

from infra.attachments import nag_objects_arn
from store.models import ConversationItem
from store.schema import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE


def test_table_is_on_demand_recoverable_protected_and_retained(template, template_json):
    template.has_resource("AWS::DynamoDB::Table", {  # Lobby's table (TableName), not the connections table
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "TableName": "lobby",
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": True,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "KeySchema": [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                          {"AttributeName": SORT_KEY, "KeyType": "RANGE"}],
        }),
    })


def test_the_table_expires_items_by_the_stores_ttl_attribute(template_json):
    """The store writes TTL_ATTRIBUTE (pynamodb's TTLAttribute) on what must expire: DynamoDB deletes it."""
    (table,) = [r for r in template_json["Resources"].values()
                if r["Type"] == "AWS::DynamoDB::Table" and r["Properties"]["TableName"] == "lobby"]
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert _ttl_attributes_of_the_store_models() == {TTL_ATTRIBUTE}  # a table has one TTL attribute


def _ttl_attributes_of_the_store_models() -> set[str]:
    import inspect

    from pynamodb.attributes import TTLAttribute
    from pynamodb.models import Model

    from store import models

    classes = [m for _, m in inspect.getmembers(models, inspect.isclass)
               if issubclass(m, Model) and m.__module__ == models.__name__]
    return {a.attr_name for m in classes for a in m.get_attributes().values() if isinstance(a, TTLAttribute)}


def test_tab_indexes_in_the_template_equal_the_store_models(template_json):
    table = next(r for r in template_json["Resources"].values()
                 if r["Type"] == "AWS::DynamoDB::Table" and r["Properties"]["TableName"] == "lobby")
    in_template = {
        gsi["IndexName"]: (tuple((k["AttributeName"], k["KeyType"]) for k in gsi["KeySchema"]),
                           gsi["Projection"]["ProjectionType"])
        for gsi in table["Properties"]["GlobalSecondaryIndexes"]
    }
    in_models = {}
    for index in ConversationItem._indexes.values():
        key_schema = tuple(
            (k["AttributeName"] if isinstance(k, dict) else k.attr_name, k["KeyType"] if isinstance(k, dict) else None)
            for k in index._get_schema()["key_schema"]
        )
        in_models[index.Meta.index_name] = (key_schema, "ALL")
    # Every index the pynamodb models declare is deployed with the same keys; the store may query the others
    # (the team's) without a model class: the next test holds the template to the whole schema.
    assert {name: in_template.get(name) for name in in_models} == in_models
    assert {"tab-open", "tab-on-hold", "tab-closed", "tab-spam", "tab-all"} <= set(in_models)


def test_every_index_in_the_template_is_the_schemas_as_the_local_stack_creates_it(template_json):
    """The data construct builds every GSI from store.schema.table_definition (not a copy): names, keys, key
    types and projections as the local stack and the tests create the table."""
    from store.schema import table_definition

    table = next(r for r in template_json["Resources"].values()
                 if r["Type"] == "AWS::DynamoDB::Table" and r["Properties"]["TableName"] == "lobby")
    properties = table["Properties"]
    definition = table_definition(properties["TableName"])

    def indexes(gsis):
        return {g["IndexName"]: (g["KeySchema"], g["Projection"]) for g in gsis}

    assert indexes(properties["GlobalSecondaryIndexes"]) == indexes(definition["GlobalSecondaryIndexes"])
    assert properties["KeySchema"] == definition["KeySchema"]
    assert sorted(properties["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == sorted(
        definition["AttributeDefinitions"], key=lambda a: a["AttributeName"])
    assert len(properties["GlobalSecondaryIndexes"]) <= 20  # DynamoDB's limit per table


def test_a_deployed_table_takes_its_new_indexes_one_deploy_at_a_time(tmp_path):
    """cdk -c indexes=N builds the schema's first N indexes only (CloudFormation adds one GSI per update)."""
    import pytest

    from infra.app import build_app
    from store.schema import table_definition

    names = [g["IndexName"] for g in table_definition("lobby")["GlobalSecondaryIndexes"]]
    app, stack = build_app(outdir=str(tmp_path), context={"aws:cdk:bundling-stacks": [], "indexes": "5"})
    from aws_cdk.assertions import Template

    (table,) = [t for t in Template.from_stack(stack).find_resources("AWS::DynamoDB::Table").values()
                if t["Properties"]["TableName"] == "lobby"]
    assert [g["IndexName"] for g in table["Properties"]["GlobalSecondaryIndexes"]] == names[:5]
    for odd in ("0", str(len(names) + 1), "all"):
        with pytest.raises(Exception, match="give 1 to"):
            build_app(outdir=str(tmp_path / odd), context={"aws:cdk:bundling-stacks": [], "indexes": odd})


def test_cfn_lint_reports_no_error(template_path):
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), template_path], capture_output=True, text=True)
    # cfn-lint exits 0 (clean) or 4 (warnings only); 2 means errors.
    assert result.returncode in (0, 4), result.stdout + result.stderr
    assert " E" not in result.stdout and not any(line.startswith("E") for line in result.stdout.splitlines())


def test_cdk_nag_is_active_and_fails_a_non_compliant_stack(tmp_path):
    """The clean synth above means something only if nag would have failed a bad stack."""
    import aws_cdk as cdk
    import pytest
    from aws_cdk import aws_sqs as sqs
    from cdk_nag import AwsSolutionsChecks

    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Bad")
    sqs.Queue(stack, "NoDlqNoTls")  # AwsSolutions-SQS3 and SQS4
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks())
    with pytest.raises(Exception, match="SQS"):
        app.synth()


def test_every_nag_acknowledgement_gives_a_reason(acknowledgements):
    found = acknowledgements
    assert found
    for path, rule, reason in found:
        assert rule.startswith("AwsSolutions-"), (path, rule)
        assert isinstance(reason, str) and len(reason) >= 60, (path, rule, reason)
    assert len({reason for _, _, reason in found}) >= len({rule for _, rule, _ in found})  # reasons are specific


def test_nag_acknowledgements_are_the_reviewed_few_on_the_narrowest_constructs(acknowledgements):
    """A new acknowledgement is a decision: add it here with its reason in the construct."""
    schedules = "arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/lobby-wake-ups/*"
    cloudwatch = "arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    expected = {
        ("Lobby/Auth/Agents", "AwsSolutions-COG2"),
        ("Lobby/Scheduling/Dlq", "AwsSolutions-SQS3"),
        ("Lobby/Api/Handler/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{schedules}]"),
        ("Lobby/Api/RestApi/Resource", "AwsSolutions-APIG2"),
        ("Lobby/Api/RestApi/CloudWatchRole", f"AwsSolutions-IAM4[Policy::{cloudwatch}]"),
        ("Lobby/Api/RestApi/DeploymentStage.prod", "AwsSolutions-APIG3"),
        ("Lobby/Api/RestApi/Default/v1/openapi.json/GET", "AwsSolutions-APIG4"),
        ("Lobby/Api/RestApi/Default/v1/openapi.json/GET", "AwsSolutions-COG4"),
        ("Lobby/Api/RestApi/Default/v1/hotels/{proxy+}/GET", "AwsSolutions-COG4"),
        ("Lobby/Api/RestApi/Default/v1/hotels/{proxy+}/POST", "AwsSolutions-COG4"),
        ("Lobby/Api/RestApi/Default/v1/hotels/{proxy+}/PUT", "AwsSolutions-COG4"),
        ("Lobby/Api/RestApi/Default/v1/hotels/{proxy+}/PATCH", "AwsSolutions-COG4"),  # the hotel's settings
        ("Lobby/Api/RestApi/Default/v1/hotels/{proxy+}/DELETE", "AwsSolutions-COG4"),  # a saved reply
        # Expedia's server signs its callbacks (HMAC); Expedia issues the secret's values.
        ("Lobby/Api/RestApi/Default/v1/channels/expedia/notifications/POST", "AwsSolutions-APIG4"),
        ("Lobby/Api/RestApi/Default/v1/channels/expedia/notifications/POST", "AwsSolutions-COG4"),
        ("Lobby/Expedia/Secret", "AwsSolutions-SMG4"),
        ("Lobby/Expedia/Ingest/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{schedules}]"),
        ("Lobby/Expedia/Reconcile/Dlq", "AwsSolutions-SQS3"),
        # Attachment keys are made per file at run time: the grants stop at hotels/ of the bucket.
        *((f"Lobby/{function}/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{nag_objects_arn()}]")
          for function in ("Api/Handler", "Expedia/Ingest", "Expedia/Sender")),
    }
    deployment_policy = "Lobby/Console/DeploymentRole/DefaultPolicy"
    assets = "arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*"
    expected |= {
        ("Lobby/Console/AccessLogs", "AwsSolutions-S1"),
        ("Lobby/Console/Distribution", "AwsSolutions-CFR1"),
        ("Lobby/Console/Distribution", "AwsSolutions-CFR2"),
        ("Lobby/Console/Distribution", "AwsSolutions-CFR4"),
        ("Lobby/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB", "AwsSolutions-L1"),
        *((deployment_policy, f"AwsSolutions-IAM5[{finding}]") for finding in (
            "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*",
            "Action::s3:Abort*", f"Resource::{assets}", "Resource::<ConsoleBucket86B6957C.Arn>/*")),
    }
    # Real time: only $connect may have an authorizer in a WebSocket API; connection ids are made per $connect;
    # the fan-out signs attachment links; its stream mapping's DLQ is a DLQ.
    connections = ("arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<RealtimeApiD4415F9E>/live/POST/"
                   "@connections/*")
    expected |= {
        *((f"Lobby/Realtime/Api/{route}-Route", "AwsSolutions-APIG4") for route in ("$disconnect", "presence", "$default")),
        *((f"Lobby/Realtime/{function}/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{connections}]")
          for function in ("Socket", "Fanout")),
        ("Lobby/Realtime/Fanout/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{nag_objects_arn()}]"),
        ("Lobby/Realtime/FanoutDlq", "AwsSolutions-SQS3"),
    }
    # Expiry: its stream mapping's DLQ is a DLQ; it deletes expired messages' files (keys made per file).
    expected |= {
        ("Lobby/Expiry/Dlq", "AwsSolutions-SQS3"),
        ("Lobby/Expiry/Function/Role/DefaultPolicy", f"AwsSolutions-IAM5[Resource::{nag_objects_arn()}]"),
    }
    for function in ("Scheduling/WakeUp", "Api/Handler", "Api/AuthorizerHandler", "Expedia/Callback",
                     "Expedia/Ingest", "Expedia/Sender", "Expedia/Reconcile/Function", "Realtime/Socket",
                     "Realtime/Fanout", "Expiry/Function"):
        expected.add((f"Lobby/{function}/Function", "AwsSolutions-L1"))
        expected.add((f"Lobby/{function}/Role/DefaultPolicy", "AwsSolutions-IAM5[Resource::*]"))
    assert {(path, rule) for path, rule, _ in acknowledgements} == expected
