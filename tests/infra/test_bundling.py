"""The code asset and the dependencies layer: what goes in, what stays out, and pip never runs in tests."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

from infra.bundling import ROOT, PipLocalBundling, docker_command, layer_requirements, pip_command, prune

REQUIREMENTS = """\
# comment (boto3 comes with the runtime)
aws-lambda-powertools[tracer]==3.37.0
pydantic==2.14.3
boto3==1.44.5
botocore==1.44.8  # pinned for the tests
Boto3 >= 1
boto3-stubs==1.0
"""


def test_layer_requirements_leave_out_boto3_and_botocore_only():
    assert layer_requirements(REQUIREMENTS).splitlines() == [
        "aws-lambda-powertools[tracer]==3.37.0",
        "pydantic==2.14.3",
        "boto3-stubs==1.0",
    ]


def test_the_project_requirements_reach_the_layer_without_the_runtime_sdk():
    kept = layer_requirements((ROOT / "requirements.txt").read_text())
    assert "pynamodb" in kept and "aws-lambda-powertools" in kept
    assert "boto3" not in kept and "botocore" not in kept


def test_pip_targets_the_lambda_platform_with_binary_wheels_and_no_bytecode():
    command = pip_command("reqs.txt", "/out/python", "python")
    assert command[:4] == ["python", "-m", "pip", "install"]
    joined = " ".join(command)
    for part in ("--platform manylinux2014_aarch64", "--only-binary=:all:", "--python-version 3.13",
                 "--implementation cp", "--target /out/python", "-r reqs.txt", "--no-compile"):
        assert part in joined


def test_docker_fallback_builds_the_same_layer():
    (shell, flag, script) = docker_command()
    assert (shell, flag) == ("bash", "-c")
    assert "--no-compile" in script and "/asset-output/python" in script
    assert "boto3|botocore" in script and "rm -rf" in script


def test_prune_removes_the_runtime_sdk_console_scripts_and_bytecode(tmp_path):
    for path in ("botocore/__init__.py", "botocore-1.44.8.dist-info/METADATA", "boto3/__init__.py",
                 "s3transfer/__init__.py", "bin/jp.py", "pynamodb/__init__.py",
                 "pynamodb/__pycache__/models.cpython-313.pyc", "six.py", "stray.pyc"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    prune(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["pynamodb", "pynamodb/__init__.py", "six.py"]


def _fake_python(tmp_path: Path, exit_code: int) -> Path:
    """Stands in for `python -m pip install ... --target X`: records its arguments, installs two packages."""
    script = tmp_path / "fake-python"
    script.write_text(f"""#!{sys.executable}
import json, pathlib, sys
args = sys.argv[1:]
pathlib.Path({str(tmp_path / "args.json")!r}).write_text(json.dumps(args))
target = pathlib.Path(args[args.index("--target") + 1])
for name in ("pynamodb/__init__.py", "botocore/__init__.py", "pynamodb/__pycache__/x.pyc"):
    (target / name).parent.mkdir(parents=True, exist_ok=True)
    (target / name).write_text("")
sys.exit({exit_code})
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_local_bundling_installs_the_filtered_requirements_into_python_and_prunes(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(REQUIREMENTS)
    out = tmp_path / "out"
    out.mkdir()
    bundler = PipLocalBundling(requirements=requirements, python=str(_fake_python(tmp_path, 0)))
    assert bundler.try_bundle(str(out)) is True
    args = json.loads((tmp_path / "args.json").read_text())
    assert args[args.index("--target") + 1] == str(out / "python")
    assert sorted(p.name for p in (out / "python").iterdir()) == ["pynamodb"]
    assert not list(out.rglob("*.pyc"))


def test_local_bundling_gives_way_to_docker_when_pip_fails(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(REQUIREMENTS)
    out = tmp_path / "out"
    out.mkdir()
    bundler = PipLocalBundling(requirements=requirements, python=str(_fake_python(tmp_path, 1)))
    assert bundler.try_bundle(str(out)) is False
    assert not (out / "python").exists()


def test_tests_synthesize_without_building_the_layer(synthesized):
    """Bundling skipped: the layer's asset is its unbuilt source, so no pip ran."""
    _, _, outdir = synthesized
    assets = json.loads((Path(outdir) / "Lobby.assets.json").read_text())["files"]
    (layer,) = [a for a in assets.values() if a.get("displayName") == "Code/Dependencies/Code"]
    assert Path(layer["source"]["path"]) == ROOT
    assert not [p for p in Path(outdir).iterdir() if p.name.startswith("bundling-temp")]


def test_code_asset_has_the_function_folders_and_no_bytecode_or_tests(synthesized):
    _, _, outdir = synthesized
    assets = json.loads((Path(outdir) / "Lobby.assets.json").read_text())["files"]
    code = [a for a in assets.values() if a.get("displayName", "").endswith("Function/Code")]
    assert len({a["source"]["path"] for a in code}) == 1  # one asset shared by every function
    staged = Path(outdir) / code[0]["source"]["path"]
    assert {"api", "authorizer", "wake_up", "store", "inbox"} <= {p.name for p in staged.iterdir()}
    assert not [p for p in staged.rglob("*") if p.name == "__pycache__" or p.suffix in (".pyc", ".pyo")]
    assert not [p for p in staged.rglob("*") if p.name in ("tests", "conftest.py") or p.name.startswith("test_")]
