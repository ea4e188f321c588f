#!/usr/bin/env python3
"""The CDK app: `cdk synth` (or `make synth`) writes Lobby's CloudFormation template."""

from infra.app import build_app

if __name__ == "__main__":
    app, _ = build_app()
    app.synth()
