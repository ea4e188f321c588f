"""Building the Lambda assets, with no CDK: the code asset, the layer from the lock, and for tests and
the bench the same assets for this machine's platform plus boto3 as the runtime ships it.

`infra/bundling.py` (CDK's local bundlers) and `tests/infra/test_artifact.py` / `bench/cold_imports.py`
all build through these functions, so what is tested and measured is what is deployed, but for the
platform (`machine`): aarch64 for Lambda, this machine's for tests.
"""

from __future__ import annotations

import glob
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from infra import names

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"
BUILD = ROOT / ".build"

PYTHON_VERSION = "3.13"
LAMBDA_MACHINE = "aarch64"
# AL2023 (the python3.13 runtime) has glibc 2.34: wheels for it and older glibc all run.
MANYLINUX = ("manylinux_2_34", "manylinux_2_28", "manylinux2014")
# What `make lock` resolves for (uv's name of the Lambda platform).
LOCK_PLATFORM = f"{LAMBDA_MACHINE}-manylinux_2_28"

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

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


class BuildFailed(Exception):
    """A step of an asset build failed; the message holds its output."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """`name==version` lines of a requirements or lock file, by canonical name (extras dropped)."""
    found = {}
    for line in text.splitlines():
        match = _PIN.match(line.split("#", 1)[0].strip())
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def lock_command(uv: str = "uv") -> list[str]:
    """What `make lock` runs: the whole tree for Lambda's Python and platform, every file's hash."""
    left_out = [arg for name in PRUNED if name != "bin" for arg in ("--no-emit-package", name)]
    return [uv, "pip", "compile", "requirements.txt", "--python-version", PYTHON_VERSION,
            "--python-platform", LOCK_PLATFORM, "--generate-hashes", *left_out, "-o", LOCK.name]


def pip_command(lock_file: str, target: str, python: str, machine: str = LAMBDA_MACHINE) -> list[str]:
    """pip for the Lambda platform rather than this machine: exactly the locked files, binary wheels for cp313."""
    platforms = [arg for tag in MANYLINUX for arg in ("--platform", f"{tag}_{machine}")]
    return [
        python, "-m", "pip", "install",
        "--disable-pip-version-check", "--quiet", "--no-compile",
        "--no-deps", "--require-hashes",
        "-r", lock_file,
        "--target", target,
        *platforms,
        "--only-binary=:all:",
        "--python-version", PYTHON_VERSION,
        "--implementation", "cp",
    ]


def compile_command(python: str, directory: str) -> list[str]:
    """Bytecode for the target Python that stays valid whatever the files' times."""
    return [python, "-I", "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", directory]


@lru_cache(maxsize=1)
def target_python() -> str | None:
    """A working Python 3.13: `python3.13` on PATH (a pyenv shim may not run it), else pyenv's."""
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [shutil.which("python3.13"), *sorted(glob.glob(f"{root}/versions/3.13*/bin/python3.13"))]
    for candidate in filter(None, candidates):
        try:
            probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 13)":
            return candidate
    return None


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildFailed(f"{' '.join(command)}\n{result.stdout}{result.stderr}")


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


def build_layer(output_dir: Path, python: str, machine: str = LAMBDA_MACHINE, lock: Path = LOCK) -> Path:
    """The layer's content (`python/`) in output_dir, for `machine`'s Linux; returns the python/ folder."""
    target = Path(output_dir) / "python"
    _run(pip_command(str(lock), str(target), python, machine))
    prune(target)
    _run(compile_command(python, str(target)))
    return target


def build_code(output_dir: Path, python: str, source: Path = FUNCTIONS) -> Path:
    """The code asset in output_dir: `functions/` without tests and caches, compiled."""
    shutil.copytree(source, output_dir, ignore=shutil.ignore_patterns(*CODE_EXCLUDES), dirs_exist_ok=True)
    _run(compile_command(python, str(output_dir)))
    return Path(output_dir)


def lambda_environment(code: Path, function_name: str) -> dict[str, str]:
    """What Lambda and the stack put in a function's environment that matters at import time (Tracer is on:
    LAMBDA_TASK_ROOT is set), with placeholder credentials."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(code), "AWS_EXECUTION_ENV": f"AWS_Lambda_python{PYTHON_VERSION}",
        "AWS_LAMBDA_FUNCTION_NAME": function_name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR", "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "POWERTOOLS_SERVICE_NAME": names.POWERTOOLS_SERVICE_NAME,
        "POWERTOOLS_METRICS_NAMESPACE": names.POWERTOOLS_METRICS_NAMESPACE,
        "TABLE_NAME": names.TABLE, "PYTHONDONTWRITEBYTECODE": "1",
    }


class HostArtifact:
    """The assets built for this machine's platform by the code above, plus boto3 as the runtime ships it,
    cached under `.build/` (the layer by the lock and the build steps, boto3 by its pins), for tests and the bench."""

    def __init__(self, python: str, build_dir: Path = BUILD, machine: str | None = None):
        self.python = python
        self.machine = machine or platform.machine()
        self.build_dir = Path(build_dir)

    def layer(self) -> Path:
        recipe = [*pip_command("lock", "target", "python", self.machine), *compile_command("python", "target"), *PRUNED]
        key = hashlib.sha256(LOCK.read_bytes() + "\0".join(recipe).encode()).hexdigest()[:16]
        return self._cached(f"layer-{self.machine}-{key}", lambda out: build_layer(out, self.python, self.machine)) / "python"

    def runtime_boto3(self) -> Path:
        sdk = {name: version for name, version in pins(REQUIREMENTS.read_text()).items() if name in RUNTIME_PROVIDED}
        spec = [f"{name}=={version}" for name, version in sorted(sdk.items())]
        key = hashlib.sha256(" ".join(spec).encode()).hexdigest()[:16]

        def install(out: Path) -> None:
            _run([self.python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--no-compile",
                  "--only-binary=:all:", "--target", str(out), *spec])
            shutil.rmtree(out / "bin", ignore_errors=True)
            _run(compile_command(self.python, str(out)))
        return self._cached(f"boto3-{key}", install)

    def code(self, output_dir: Path) -> Path:
        """Built afresh each time: it is small, and it must be the code as it is now."""
        return build_code(Path(output_dir), self.python)

    def command(self, paths: list[Path], code: str) -> list[str]:
        """python3.13 as Lambda starts it: isolated, no site-packages, no bytecode written (Lambda's disk is
        read-only), `sys.path` = `paths` (code asset, layer, runtime boto3) before the standard library."""
        prelude = f"import sys; sys.path[:0] = {[str(p) for p in paths]!r}\n"
        return [self.python, "-I", "-S", "-B", "-c", prelude + code]

    def _cached(self, name: str, build) -> Path:
        done = self.build_dir / name
        if done.is_dir():
            return done
        work = self.build_dir / f"{name}.tmp-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            build(work)
            work.rename(done)
        except OSError:
            if not done.is_dir():  # another process finished the same build first: use it
                raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return done


def main(argv: list[str]) -> int:
    """`python -m infra.artifact lock`: regenerate requirements.lock (what `make lock` runs)."""
    if argv != ["lock"]:
        print("usage: python -m infra.artifact lock", file=sys.stderr)
        return 2
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv") or "uv"
    return subprocess.run(lock_command(uv), cwd=ROOT).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
