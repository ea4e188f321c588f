"""Builds the CDK app with cdk-nag's AwsSolutions checks on every construct."""

from __future__ import annotations

import sys
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
if str(FUNCTIONS) not in sys.path:  # the constructs read the store's schema constants
    sys.path.insert(0, str(FUNCTIONS))

from infra.stack import LobbyStack  # noqa: E402


def build_app(outdir: str | None = None, context: dict | None = None) -> tuple[cdk.App, LobbyStack]:
    app = cdk.App(outdir=outdir, context=context)
    stack = LobbyStack(app)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(verbose=True))
    return app, stack
