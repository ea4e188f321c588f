"""What every function runs: the code asset (the `functions/` folder) and the dependencies layer.

The layer is built from `requirements.lock` (the whole tree of `requirements.txt`, pinned with
hashes for the Lambda platform; `make lock` regenerates it) with `pip --no-deps --require-hashes`.
Both assets ship bytecode compiled by the target Python (3.13) with
`--invalidation-mode unchecked-hash`: zip bundlers pin file times, which would make
timestamp-checked `.pyc` stale, and `.pyc` magic differs per Python version, so the build
machine's own Python is no use. The local bundlers need a `python3.13`; without one CDK falls
back to the Lambda Python build image (Docker). Tests synthesize with bundling skipped
(context `aws:cdk:bundling-stacks` = []), so they never run pip.

The building itself is `infra/artifact.py` (no CDK there), which also builds the same assets
for this machine's platform, so that tests and the bench run the artifact Lambda runs.

Kept out of both assets:
- boto3, botocore and s3transfer: the runtime ships them (aws-facts: use the runtime's boto3);
  the lock leaves them out and anything that brings them in anyway is pruned;
- tests, caches and pip's console scripts.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import names
from infra.artifact import (
    CODE_EXCLUDES,
    FUNCTIONS,
    LAMBDA_MACHINE,
    LOCK,
    PRUNED,
    ROOT,
    BuildFailed,
    build_code,
    build_layer,
    compile_command,
    pip_command,
    prune,
    target_python,
)

__all__ = ["CODE_EXCLUDES", "ROOT", "FunctionCode", "PipLocalBundling", "CodeLocalBundling", "docker_command",
           "code_docker_command", "pip_command", "prune"]

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """Builds the layer with this machine's python3.13; returns False (so CDK uses Docker) if it cannot."""

    def __init__(self, lock: Path = LOCK, python: str | None = None, machine: str = LAMBDA_MACHINE):
        self._lock = lock
        self._python = python
        self._machine = machine

    def try_bundle(self, output_dir: str, *args, **kwargs) -> bool:
        python = self._python or target_python()
        if python is None:
            print("no python3.13 for local bundling of the layer, trying Docker", file=sys.stderr)
            return False
        try:
            build_layer(Path(output_dir), python, self._machine, self._lock)
        except BuildFailed as failed:
            print(f"local bundling of the layer failed, trying Docker:\n{failed}", file=sys.stderr)
            shutil.rmtree(Path(output_dir) / "python", ignore_errors=True)
            return False
        return True


@jsii.implements(cdk.ILocalBundling)
class CodeLocalBundling:
    """Copies and compiles the code asset with python3.13; returns False (so CDK uses Docker) if it cannot."""

    def __init__(self, source: Path = FUNCTIONS, python: str | None = None):
        self._source = source
        self._python = python

    def try_bundle(self, output_dir: str, *args, **kwargs) -> bool:
        python = self._python or target_python()
        if python is None:
            print("no python3.13 for local bundling of the code, trying Docker", file=sys.stderr)
            return False
        try:
            build_code(Path(output_dir), python, self._source)
        except BuildFailed as failed:
            print(f"local bundling of the code failed, trying Docker:\n{failed}", file=sys.stderr)
            return False
        return True


def _docker_compile(directory: str) -> str:
    return " ".join(compile_command("python", directory))


def docker_command() -> list[str]:
    """The layer's build inside the Lambda Python build image (the fallback): the same lock and steps."""
    pruned = " ".join(f"{name} {name}-*.dist-info" for name in PRUNED)
    script = " && ".join([
        "set -eu",
        f"pip install --disable-pip-version-check --quiet --no-compile --no-deps --require-hashes -r {LOCK.name}"
        " --target /asset-output/python",
        f"cd /asset-output/python && rm -rf {pruned}",
        "find /asset-output/python -name __pycache__ -prune -exec rm -rf {} +",
        _docker_compile("/asset-output/python"),
    ])
    return ["bash", "-c", script]


def code_docker_command() -> list[str]:
    """The code asset's build inside the Lambda Python build image (the fallback)."""
    patterns = ", ".join(repr(p) for p in CODE_EXCLUDES)
    copy = ("import shutil; shutil.copytree('/asset-input', '/asset-output', dirs_exist_ok=True, "
            f"ignore=shutil.ignore_patterns({patterns}))")
    return ["bash", "-c", f"set -eu && python -c \"{copy}\" && {_docker_compile('/asset-output')}"]


class FunctionCode(Construct):
    """The code asset shared by every function and the dependencies layer they all use."""

    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.code = lambda_.Code.from_asset(
            str(FUNCTIONS),
            exclude=CODE_EXCLUDES,
            bundling=cdk.BundlingOptions(image=RUNTIME.bundling_image, command=code_docker_command(),
                                         local=CodeLocalBundling()),
        )
        # The layer depends on the lock and the way it is built, nothing else: a custom hash
        # keeps the repository's other files out of it and lets CDK reuse a build.
        fingerprint = hashlib.sha256(
            "\n".join([LOCK.read_text(), *pip_command("-", "-", "python"), *docker_command()]).encode()
        ).hexdigest()
        self.layer = lambda_.LayerVersion(
            self, "Dependencies",
            layer_version_name=names.DEPENDENCIES_LAYER,
            description="Lobby's Python dependencies from requirements.lock (boto3 comes with the runtime)",
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            code=lambda_.Code.from_asset(
                str(ROOT),
                asset_hash=fingerprint,
                asset_hash_type=cdk.AssetHashType.CUSTOM,
                bundling=cdk.BundlingOptions(
                    image=RUNTIME.bundling_image,
                    platform="linux/arm64",
                    command=docker_command(),
                    local=PipLocalBundling(),
                ),
            ),
        )
