"""Infra fixtures: the CDK app synthesized once per test session, with cdk-nag attached."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from infra.app import build_app


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(outdir=str(outdir))
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
