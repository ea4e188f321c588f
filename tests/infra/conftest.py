"""Infra fixtures: the CDK app synthesized once per test session, with cdk-nag attached.

Bundling is skipped (no stack is listed in `aws:cdk:bundling-stacks`), so the tests never
run pip: the dependencies layer's asset points at its source instead of a build.
"""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from infra import names
from infra.app import build_app

SKIP_BUNDLING = {"aws:cdk:bundling-stacks": []}


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(outdir=str(outdir), context=SKIP_BUNDLING)
    assembly = app.synth()  # raises when cdk-nag reports an unacknowledged finding
    return assembly, stack, outdir


@pytest.fixture(scope="session")
def template(synthesized) -> Template:
    _, stack, _ = synthesized
    return Template.from_stack(stack)


@pytest.fixture(scope="session")
def template_path(synthesized):
    assembly, stack, _ = synthesized
    return assembly.get_stack_artifact(stack.artifact_id).template_full_path


@pytest.fixture(scope="session")
def template_json(template_path) -> dict:
    with open(template_path) as f:
        return json.load(f)


@pytest.fixture(scope="session")
def acknowledgements(synthesized) -> list[tuple[str, str, str]]:
    """(construct path, rule id, reason) for every cdk-nag acknowledgement in the stack.

    CDK records each as metadata `{"Annotation::<rule id>": "<reason>"}` on the construct.
    """
    import aws_cdk as cdk

    _, stack, _ = synthesized
    key = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found = []
    for node in stack.node.find_all():
        for entry in node.node.metadata:
            if entry.type == key:
                data = entry.data if isinstance(entry.data, list) else [entry.data]
                for acknowledgement in data:
                    assert isinstance(acknowledgement, dict), acknowledgement
                    for rule, reason in acknowledgement.items():
                        found.append((node.node.path, rule.removeprefix("Annotation::"), reason))
    return found


class Cfn:
    """Read-only questions about the synthesized template that several concerns' tests ask."""

    # What every function's role holds before its concern grants anything: its logs and traces.
    FUNCTION_BASELINE = frozenset(
        {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"})

    def __init__(self, template: Template):
        self.template = template
        self.json = template.to_json()
        self.resources: dict = self.json["Resources"]

    def of_type(self, type_: str) -> dict[str, dict]:
        return self.template.find_resources(type_)

    def one(self, type_: str, **properties) -> tuple[str, dict]:
        """The single resource of that type whose properties include these values."""
        found = [(id, r) for id, r in self.of_type(type_).items()
                 if all(r.get("Properties", {}).get(k) == v for k, v in properties.items())]
        assert len(found) == 1, f"{len(found)} {type_} with {properties}"
        return found[0]

    def main_table(self) -> str:
        """Lobby's table (the logical id), not the real time's connections table."""
        table_id, _ = self.one("AWS::DynamoDB::Table", TableName=names.TABLE)
        return table_id

    def function(self, handler: str) -> tuple[str, dict]:
        return self.one("AWS::Lambda::Function", Handler=handler)

    def role_of(self, function_id: str) -> str:
        role = self.resources[function_id]["Properties"]["Role"]
        return role["Fn::GetAtt"][0]

    def statements(self, role_id: str) -> list[dict]:
        """Every statement that applies to the role: its inline policies and attached IAM policies."""
        role = self.resources[role_id]
        assert role["Type"] == "AWS::IAM::Role"
        assert not role["Properties"].get("ManagedPolicyArns"), f"{role_id} has managed policies"
        documents = [p["PolicyDocument"] for p in role["Properties"].get("Policies", [])]
        for policy in self.of_type("AWS::IAM::Policy").values():
            if {"Ref": role_id} in policy["Properties"].get("Roles", []):
                documents.append(policy["Properties"]["PolicyDocument"])
        for managed in self.of_type("AWS::IAM::ManagedPolicy").values():
            assert {"Ref": role_id} not in managed["Properties"].get("Roles", []), f"{role_id} has a managed policy"
        return [s for d in documents for s in d["Statement"]]

    def grants(self, role_id: str) -> dict[str, list]:
        """Action -> the resources it is allowed on (Allow statements only; a Deny would show up as extra)."""
        grants: dict[str, list] = {}
        for statement in self.statements(role_id):
            assert statement["Effect"] == "Allow", statement
            assert "NotAction" not in statement and "NotResource" not in statement, statement
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in actions:
                grants.setdefault(action, []).extend(resources)
        return grants

    def actions(self, role_id: str) -> set[str]:
        return set(self.grants(role_id))

    def resource_path(self, resource_id: dict | str) -> str:
        """`/v1/hotels/{proxy+}` for an AWS::ApiGateway::Resource (or the API root)."""
        if isinstance(resource_id, dict) and "Fn::GetAtt" in resource_id:
            return ""  # the RestApi's RootResourceId
        logical_id = resource_id["Ref"] if isinstance(resource_id, dict) else resource_id
        resource = self.resources[logical_id]["Properties"]
        return f"{self.resource_path(resource['ParentId'])}/{resource['PathPart']}"

    def alarm(self, name: str) -> dict:
        """The properties of the one CloudWatch alarm of that name."""
        (alarm,) = [a["Properties"] for a in self.of_type("AWS::CloudWatch::Alarm").values()
                    if a["Properties"]["AlarmName"] == name]
        return alarm

    def methods(self) -> dict[tuple[str, str], dict]:
        """(HTTP method, path) -> the method's properties."""
        return {
            (m["Properties"]["HttpMethod"], self.resource_path(m["Properties"]["ResourceId"])): m["Properties"]
            for m in self.of_type("AWS::ApiGateway::Method").values()
        }


@pytest.fixture(scope="session")
def cfn(template) -> Cfn:
    return Cfn(template)
