"""The CDK app synthesizes, passes cfn-lint and cdk-nag, and matches what the code expects."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aws_cdk.assertions import Match

from store.models import ConversationItem
from store.schema import PARTITION_KEY, SORT_KEY


def test_table_is_on_demand_recoverable_protected_and_retained(template, template_json):
    template.has_resource("AWS::DynamoDB::Table", {
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": Match.object_like({
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": True,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "KeySchema": [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
                          {"AttributeName": SORT_KEY, "KeyType": "RANGE"}],
        }),
    })


def test_tab_indexes_in_the_template_equal_the_store_models(template_json):
    table = next(r for r in template_json["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table")
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
    assert in_template == in_models
    assert set(in_template) == {"tab-open", "tab-on-hold", "tab-closed", "tab-spam", "tab-all"}


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


def test_every_nag_acknowledgement_gives_a_reason(synthesized):
    import aws_cdk as cdk

    _, stack, _ = synthesized
    key = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found = []
    for node in stack.node.find_all():
        for entry in node.node.metadata:
            if entry.type == key:
                found.extend(entry.data if isinstance(entry.data, list) else [entry.data])
    for acknowledgement in found:
        text = json.dumps(acknowledgement)
        assert "reason" in text and len(text) > 40, acknowledgement
