"""Cold import of each function's handler module, measured the Lambda way, as a ratio to `import boto3`.

The way Lambda runs it: the target Python (3.13), isolated (`-I`, no site-packages), no bytecode
written (Lambda's disk is read-only), `sys.path` = the code asset + the layer + boto3 as the runtime
ships it, all three built by `infra/bundling.py` from `requirements.lock` (for this machine's
platform: arm64 does not run here), and the environment Lambda and the stack set (so Tracer is on).
Each sample is a fresh process; the figure is the time of the `import` statement itself, so the
interpreter's start is left out. Samples of the modules are interleaved, so that the machine's load
weighs on all of them alike, and the ratio is taken within the run.

    python bench/cold_imports.py [--samples 15] [--no-stripped] [module ...]

The "stripped" column imports the same assets with their bytecode removed (what shipping no `.pyc`
costs: every cold start compiles every module).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from infra import names  # noqa: E402
from infra.artifact import HostArtifact, lambda_environment, target_python  # noqa: E402

GOAL = 1.5  # issue 10: every function's cold import at most 1.5x `import boto3`
BASELINE = "boto3"
HANDLERS = {
    "api.handler": names.API_FUNCTION,
    "authorizer.handler": names.AUTHORIZER_FUNCTION,
    "wake_up.handler": names.WAKE_UP_FUNCTION,
    "expedia_callback.handler": names.EXPEDIA_CALLBACK_FUNCTION,
    "expedia_ingest.handler": names.EXPEDIA_INGEST_FUNCTION,
    "outbound_sender.handler": names.OUTBOUND_SENDER_FUNCTION,
    "expedia_reconcile.handler": names.EXPEDIA_RECONCILE_FUNCTION,
    "realtime_socket.handler": names.REALTIME_SOCKET_FUNCTION,
    "realtime_fanout.handler": names.REALTIME_FANOUT_FUNCTION,
}
PROBE = "import time\nstart = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - start)\n"


def sample_ms(artifact: HostArtifact, paths: list[Path], module: str, function_name: str) -> float:
    result = subprocess.run(artifact.command(paths, PROBE.format(module=module)), capture_output=True, text=True,
                            env=lambda_environment(paths[0], function_name), cwd=paths[0])
    if result.returncode != 0:
        raise SystemExit(f"import {module} failed in the Lambda-like interpreter:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1]) * 1000


def medians(artifact: HostArtifact, paths: list[Path], modules: list[str], samples: int) -> dict[str, float]:
    times: dict[str, list[float]] = {module: [] for module in [BASELINE, *modules]}
    for _ in range(samples):
        for module in times:
            times[module].append(sample_ms(artifact, paths, module, HANDLERS.get(module, names.API_FUNCTION)))
    return {module: statistics.median(values) for module, values in times.items()}


def strip_bytecode(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def measure(modules: list[str] | None = None, samples: int = 15, stripped: bool = True) -> dict:
    """Medians in ms and ratios to `import boto3`, with and (optionally) without the shipped bytecode."""
    python = target_python()
    if python is None:
        raise SystemExit("cold_imports needs python3.13 (the Lambda runtime's Python) on this machine")
    modules = modules or list(HANDLERS)
    artifact = HostArtifact(python)
    layer, boto3 = artifact.layer(), artifact.runtime_boto3()
    with tempfile.TemporaryDirectory(prefix="lobby-cold-") as work:
        code = artifact.code(Path(work) / "code")
        compiled = medians(artifact, [code, layer, boto3], modules, samples)
        bare = {}
        if stripped:
            paths = [strip_bytecode(code, Path(work) / "code-src"), strip_bytecode(layer, Path(work) / "layer-src"), boto3]
            bare = medians(artifact, paths, modules, samples)
    rows = []
    for module in modules:
        row = {"module": module, "ms": compiled[module], "ratio": compiled[module] / compiled[BASELINE]}
        if bare:
            row |= {"stripped_ms": bare[module], "stripped_ratio": bare[module] / bare[BASELINE]}
        rows.append(row)
    return {"python": python, "machine": artifact.machine, "samples": samples,
            "boto3_ms": compiled[BASELINE], "stripped_boto3_ms": bare.get(BASELINE), "rows": rows}


def markdown(result: dict) -> list[str]:
    stripped = result["stripped_boto3_ms"] is not None
    head = "| handler | ms | ratio to `import boto3` | goal 1.5x |"
    rule = "| --- | --- | --- | --- |"
    if stripped:
        head += " ratio, bytecode stripped |"
        rule += " --- |"
    lines = [head, rule]
    for row in result["rows"]:
        line = f"| `{row['module']}` | {row['ms']:.0f} | {row['ratio']:.2f}x | {'met' if row['ratio'] <= GOAL else 'not met'} |"
        if stripped:
            line += f" {row['stripped_ratio']:.2f}x |"
        lines.append(line)
    baseline = f"`import boto3` alone: {result['boto3_ms']:.0f} ms"
    if stripped:
        baseline += f" ({result['stripped_boto3_ms']:.0f} ms in the stripped run: boto3 keeps its bytecode)"
    return [*lines, "", f"{baseline}; median of {result['samples']} fresh processes each, "
            f"{result['machine']}, {Path(result['python']).name} (the same lock as the arm64 layer)."]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"handler modules (default: {', '.join(HANDLERS)})")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--no-stripped", action="store_true", help="skip the run without bytecode")
    args = parser.parse_args(argv)
    result = measure(args.modules or None, args.samples, not args.no_stripped)
    print("\n".join(markdown(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
