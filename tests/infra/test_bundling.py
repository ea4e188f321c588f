"""The code asset and the dependencies layer: what goes in, what stays out, the lock, and pip never runs in tests."""

from __future__ import annotations

import json
import shlex
import stat
import sys
from pathlib import Path

import pytest

from infra import artifact
from infra.artifact import LOCK, REQUIREMENTS, ROOT, build_code, lock_command, pins, target_python
from infra.bundling import (
    CodeLocalBundling,
    PipLocalBundling,
    code_docker_command,
    docker_command,
    pip_command,
    prune,
)


def test_the_layer_gets_requests_which_the_lambda_runtime_does_not_ship():
    """functions/auth and functions/expedia import requests; the runtime ships boto3 and not requests."""
    assert "requests" in pins(REQUIREMENTS.read_text())
    locked = pins(LOCK.read_text())
    assert {"requests", "urllib3", "pynamodb", "aws-lambda-powertools", "pyjwt", "cryptography"} <= set(locked)


def test_every_pin_of_requirements_txt_is_in_the_lock_at_the_same_version():
    """A pin changed in requirements.txt without `make lock` would ship the old version (or none)."""
    wanted = {name: version for name, version in pins(REQUIREMENTS.read_text()).items()
              if name not in artifact.RUNTIME_PROVIDED}
    locked = pins(LOCK.read_text())
    disagree = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not disagree, f"requirements.txt and requirements.lock disagree (wanted, locked): {disagree}; run `make lock`"


def test_pins_reads_names_extras_and_versions_like_pip():
    assert pins("PyJWT[crypto]==2.15.1\nfoo_bar.baz==1.0 \\\n    --hash=sha256:ab\n# x==1\nqux>=2\n") == {
        "pyjwt": "2.15.1", "foo-bar-baz": "1.0"}


def test_the_lock_is_what_make_lock_writes_hashed_and_without_the_runtime_sdk():
    text = LOCK.read_text()
    assert " ".join(lock_command("uv")) in text  # uv records its command line in the header
    locked = pins(text)
    assert not set(locked) & {"boto3", "botocore", "s3transfer"}
    blocks = _lock_entries(text)
    assert len(blocks) == len(locked) and all("--hash=sha256:" in block for block in blocks)


def _lock_entries(text: str) -> list[str]:
    entries: list[str] = []
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            entries.append(line)
        elif entries and line.strip().startswith("--hash"):
            entries[-1] += line
    return entries


def test_the_lock_command_targets_the_lambda_python_and_platform():
    command = " ".join(lock_command("uv"))
    for part in ("pip compile requirements.txt", "--python-version 3.13", "--python-platform aarch64-manylinux_2_28",
                 "--generate-hashes", "--no-emit-package boto3", "--no-emit-package botocore",
                 "--no-emit-package s3transfer", "-o requirements.lock"):
        assert part in command


def test_pip_installs_exactly_the_locked_files_for_the_lambda_platform_by_default():
    command = pip_command("requirements.lock", "/out/python", "python")
    assert command[:4] == ["python", "-m", "pip", "install"]
    joined = " ".join(command)
    for part in ("--require-hashes", "--no-deps", "--platform manylinux_2_28_aarch64", "--platform manylinux2014_aarch64",
                 "--only-binary=:all:", "--python-version 3.13", "--implementation cp", "--target /out/python",
                 "-r requirements.lock", "--no-compile"):
        assert part in joined
    assert "x86_64" not in joined


def test_the_same_pip_command_builds_for_another_machine():
    joined = " ".join(pip_command("requirements.lock", "/out/python", "python", machine="x86_64"))
    assert "--platform manylinux_2_28_x86_64" in joined and "aarch64" not in joined
    assert "--require-hashes" in joined


def test_docker_fallback_builds_the_same_layer_from_the_lock_and_compiles_it():
    (shell, flag, script) = docker_command()
    assert (shell, flag) == ("bash", "-c")
    assert "--require-hashes --no-deps" in script.replace("--no-deps --require-hashes", "--require-hashes --no-deps")
    assert "-r requirements.lock" in script and "/asset-output/python" in script
    assert "rm -rf boto3 boto3-*.dist-info botocore" in script
    assert "compileall -q --invalidation-mode unchecked-hash /asset-output/python" in script


def test_docker_fallback_of_the_code_copies_without_tests_and_compiles():
    (shell, flag, script) = code_docker_command()
    assert (shell, flag) == ("bash", "-c")
    assert "'tests'" in script and "'__pycache__'" in script and "'conftest.py'" in script
    assert "compileall -q --invalidation-mode unchecked-hash /asset-output" in script
    shlex.split(script)  # the quoting holds


def test_prune_removes_the_runtime_sdk_console_scripts_and_bytecode(tmp_path):
    for path in ("botocore/__init__.py", "botocore-1.44.8.dist-info/METADATA", "boto3/__init__.py",
                 "s3transfer/__init__.py", "bin/jp.py", "pynamodb/__init__.py",
                 "pynamodb/__pycache__/models.cpython-313.pyc", "six.py", "stray.pyc"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    prune(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["pynamodb", "pynamodb/__init__.py", "six.py"]


def _fake_python(tmp_path: Path, pip_exit: int) -> Path:
    """Stands in for python3.13: `-m pip install ... --target X` records its arguments and installs two
    packages (one the runtime ships); `-m compileall` records that it ran on which folder."""
    script = tmp_path / "fake-python"
    script.write_text(f"""#!{sys.executable}
import json, pathlib, sys
args = sys.argv[1:]
log = pathlib.Path({str(tmp_path / "calls.json")!r})
calls = json.loads(log.read_text()) if log.exists() else []
log.write_text(json.dumps(calls + [args]))
if "pip" in args:
    target = pathlib.Path(args[args.index("--target") + 1])
    for name in ("pynamodb/__init__.py", "botocore/__init__.py", "pynamodb/__pycache__/x.pyc"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text("")
    sys.exit({pip_exit})
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_local_bundling_installs_the_lock_into_python_prunes_and_compiles(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    bundler = PipLocalBundling(lock=tmp_path / "some.lock", python=str(_fake_python(tmp_path, 0)))
    assert bundler.try_bundle(str(out)) is True
    pip, compileall = json.loads((tmp_path / "calls.json").read_text())
    assert pip[pip.index("--target") + 1] == str(out / "python") and pip[pip.index("-r") + 1] == str(tmp_path / "some.lock")
    assert "aarch64" in " ".join(pip)
    assert compileall[-4:] == ["-q", "--invalidation-mode", "unchecked-hash", str(out / "python")]
    assert sorted(p.name for p in (out / "python").iterdir()) == ["pynamodb"]
    assert not list(out.rglob("*.pyc"))  # pip's (stale) bytecode is gone; the fake compiler writes none


def test_local_bundling_gives_way_to_docker_when_pip_fails(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    bundler = PipLocalBundling(lock=tmp_path / "some.lock", python=str(_fake_python(tmp_path, 1)))
    assert bundler.try_bundle(str(out)) is False
    assert not (out / "python").exists()


def test_local_bundling_gives_way_to_docker_without_python313(tmp_path, monkeypatch):
    monkeypatch.setattr("infra.bundling.target_python", lambda: None)
    assert PipLocalBundling().try_bundle(str(tmp_path)) is False
    assert CodeLocalBundling().try_bundle(str(tmp_path)) is False
    assert not list(tmp_path.iterdir())


def test_the_target_python_is_313():
    python = target_python()
    assert python is not None, "python3.13 (the Lambda runtime's Python) is needed to build the assets"
    assert "3.13" in Path(python).name or "3.13" in python


def _source_tree(root: Path) -> Path:
    for path, text in {"api/__init__.py": "", "api/handler.py": "VALUE = 1\n", "api/tests/test_x.py": "",
                       "api/__pycache__/handler.cpython-311.pyc": "stale", "inbox/model.py": "X = 2\n",
                       "inbox/test_model.py": "", "conftest.py": "", ".pytest_cache/v": "",
                       "inbox/lexicon.json": "{}"}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def test_the_code_asset_leaves_out_tests_and_caches_and_ships_unchecked_bytecode_for_313(tmp_path):
    python = target_python()
    assert python is not None
    out = build_code(tmp_path / "out", python, source=_source_tree(tmp_path / "src"))
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["api/__init__.py", "api/__pycache__/__init__.cpython-313.pyc",
                     "api/__pycache__/handler.cpython-313.pyc", "api/handler.py",
                     "inbox/__pycache__/model.cpython-313.pyc", "inbox/lexicon.json", "inbox/model.py"]
    header = (out / "api/__pycache__/handler.cpython-313.pyc").read_bytes()[:8]
    assert int.from_bytes(header[4:8], "little") == 0b01  # hash-based, not checked against the source: valid in a zip


def test_code_local_bundling_builds_the_functions_folder(tmp_path):
    python = target_python()
    assert python is not None
    assert CodeLocalBundling(python=python).try_bundle(str(tmp_path)) is True
    assert {"api", "authorizer", "wake_up", "store", "inbox", "expedia"} <= {p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "api" / "__pycache__" / "handler.cpython-313.pyc").is_file()
    assert not [p for p in tmp_path.rglob("*") if p.name in ("tests", "conftest.py") or p.name.startswith("test_")]
    assert not [p for p in tmp_path.rglob("*.pyc") if "cpython-313" not in p.name]


def _assets(outdir) -> dict:
    return json.loads((Path(outdir) / "Lobby.assets.json").read_text())["files"]


def test_tests_synthesize_without_building_the_layer_or_the_code(synthesized):
    """Bundling skipped: each asset is its unbuilt source, so neither pip nor compileall ran."""
    _, _, outdir = synthesized
    assets = _assets(outdir)
    (layer,) = [a for a in assets.values() if a.get("displayName") == "Code/Dependencies/Code"]
    assert Path(layer["source"]["path"]) == ROOT
    assert not [p for p in Path(outdir).iterdir() if p.name.startswith("bundling-temp")]


def test_one_code_asset_is_shared_by_every_function(synthesized, template_json):
    _, _, outdir = synthesized
    (code,) = [a for a in _assets(outdir).values() if a.get("displayName", "").endswith("Function/Code")]
    assert Path(code["source"]["path"]) == artifact.FUNCTIONS
    keys = [json.dumps(r["Properties"]["Code"]["S3Key"]) for r in template_json["Resources"].values()
            if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler", "").endswith(".handler.handler")]
    assert len(keys) >= 6 and len(set(keys)) == 1


@pytest.mark.parametrize("name", ["requests", "pynamodb", "jwt", "pydantic"])
def test_the_layer_lock_covers_what_the_functions_import(name):
    """A cheap guard beside the artifact test: the distributions behind the imports are locked."""
    distribution = {"jwt": "pyjwt"}.get(name, name)
    assert distribution in pins(LOCK.read_text())


def test_deptry_knows_every_folder_of_functions_as_first_party():
    """deptry checks functions/ against requirements.txt; a package it took for a third-party one would be
    reported as undeclared (or hide a real missing requirement of the same name)."""
    import tomllib

    configured = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["deptry"]["known_first_party"]
    packages = {p.parent.name for p in artifact.FUNCTIONS.glob("*/__init__.py")}
    assert set(configured) == packages
