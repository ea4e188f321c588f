"""What every function runs: the code asset (the `functions/` folder) and the dependencies layer.

The layer is built from `requirements.txt` by CDK bundling. Its local bundler runs pip on this
machine for the Lambda platform (Python 3.13, arm64, binary wheels only), with the Lambda
Python build image as the fallback when local bundling fails. Tests synthesize with bundling
skipped (context `aws:cdk:bundling-stacks` = []), so they never run pip.

Kept out of both assets:
- boto3, botocore and s3transfer: the runtime ships them (aws-facts: use the runtime's boto3);
  pynamodb and aws-xray-sdk pull botocore in, so it is removed after the install;
- `.pyc` files: zip bundlers pin file times, which makes pip's `.pyc` stale, so every cold
  start would recompile them; pip runs with `--no-compile` and any `__pycache__` is dropped;
- tests, caches and pip's console scripts.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import names

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
REQUIREMENTS = ROOT / "requirements.txt"

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
PYTHON_VERSION = "3.13"
# AL2023 (the python3.13 runtime) has glibc 2.34: manylinux2014 and manylinux_2_28 wheels both run.
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")

# Requirements left out of the layer, and what is removed if a dependency pulls it in anyway.
RUNTIME_PROVIDED = ("boto3", "botocore")
PRUNED = ("boto3", "botocore", "s3transfer", "bin")

# Never part of the code asset (glob patterns, matched at any depth).
CODE_EXCLUDES = [
    "__pycache__",
    "*.pyc",
    "*.pyo",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "tests",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    ".DS_Store",
    "*.egg-info",
]

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def layer_requirements(text: str) -> str:
    """`requirements.txt` without comments and without what the Lambda runtime provides."""
    kept = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _NAME.match(line)
        name = match.group(1).lower().replace("_", "-") if match else ""
        if name in RUNTIME_PROVIDED:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def pip_command(requirements_file: str, target: str, python: str = sys.executable) -> list[str]:
    """pip for the Lambda platform rather than this machine: binary wheels for cp313 on arm64."""
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    return [
        python, "-m", "pip", "install",
        "--disable-pip-version-check", "--quiet", "--no-compile",
        "-r", requirements_file,
        "--target", target,
        *platforms,
        "--only-binary=:all:",
        "--python-version", PYTHON_VERSION,
        "--implementation", "cp",
    ]


def prune(site_packages: Path) -> None:
    """Remove what the runtime ships, pip's console scripts and any bytecode."""
    for name in PRUNED:
        for path in [site_packages / name, *site_packages.glob(f"{name}-*.dist-info")]:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    for cache in list(site_packages.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for compiled in site_packages.rglob("*.py[co]"):
        compiled.unlink()


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """Builds the layer with this machine's pip; returns False (so CDK uses Docker) if pip fails."""

    def __init__(self, requirements: Path = REQUIREMENTS, python: str = sys.executable):
        self._requirements = requirements
        self._python = python

    def try_bundle(self, output_dir: str, *args, **kwargs) -> bool:
        target = Path(output_dir) / "python"
        with tempfile.TemporaryDirectory(prefix="lobby-layer-") as work:
            filtered = Path(work) / "requirements.txt"
            filtered.write_text(layer_requirements(self._requirements.read_text()))
            result = subprocess.run(pip_command(str(filtered), str(target), self._python),
                                    capture_output=True, text=True)
        if result.returncode != 0:
            print(f"local pip bundling of the layer failed, trying Docker:\n{result.stdout}{result.stderr}",
                  file=sys.stderr)
            shutil.rmtree(target, ignore_errors=True)
            return False
        prune(target)
        return True


def docker_command() -> list[str]:
    """The same build inside the Lambda Python build image (the fallback)."""
    provided = "|".join(RUNTIME_PROVIDED)
    pruned = " ".join(f"{name} {name}-*.dist-info" for name in PRUNED)
    script = " && ".join([
        "set -eu",
        f"grep -viE '^[[:space:]]*({provided})([[:space:]]*[][<>=!~;@]|[[:space:]]*$)' requirements.txt"
        " | sed 's/#.*//' > /tmp/requirements.txt",
        "pip install --disable-pip-version-check --quiet --no-compile -r /tmp/requirements.txt"
        " --target /asset-output/python",
        f"cd /asset-output/python && rm -rf {pruned}",
        "find /asset-output/python -name __pycache__ -prune -exec rm -rf {} +",
    ])
    return ["bash", "-c", script]


class FunctionCode(Construct):
    """The code asset shared by every function and the dependencies layer they all use."""

    def __init__(self, scope: Construct, id: str):
        super().__init__(scope, id)
        self.code = lambda_.Code.from_asset(str(FUNCTIONS), exclude=CODE_EXCLUDES)
        requirements = layer_requirements(REQUIREMENTS.read_text())
        # The layer depends on the filtered requirements and the way it is built, nothing else:
        # a custom hash keeps the repository's other files out of it and lets CDK reuse a build.
        fingerprint = hashlib.sha256(
            "\n".join([requirements, *pip_command("-", "-", "python"), *docker_command()]).encode()
        ).hexdigest()
        self.layer = lambda_.LayerVersion(
            self, "Dependencies",
            layer_version_name=names.DEPENDENCIES_LAYER,
            description="Lobby's Python dependencies from requirements.txt (boto3 comes with the runtime)",
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
