"""The local gateway serves requests at the same moment, as API Gateway does: each concurrent
invocation of a function has its own execution environment (a process that imported the
handler), and an environment serves its invocations one after the other."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from stack_support import ROOT

from local.gateway import Function

PATIENCE = 60  # seconds an invocation waits for the others before it reports it met none


@pytest.fixture
def rendezvous(monkeypatch):
    """A function whose handler is ``stack_rendezvous.handler`` (the environments import it from tests/e2e)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests" / "e2e"))
    functions: list[Function] = []

    def make(concurrency: int) -> Function:
        function = Function("lobby-rendezvous", "stack_rendezvous.handler", "us-east-1", "000000000000",
                            concurrency=concurrency)
        functions.append(function)
        return function

    yield make
    for function in functions:
        function.stop()


def invoke_together(function: Function, folder, count: int) -> list[dict]:
    start = threading.Barrier(count)
    event = {"body": json.dumps({"folder": str(folder), "expected": count, "patience": PATIENCE})}

    def call(_):
        start.wait()
        return json.loads(function(event)["body"])

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(call, range(count)))


def test_concurrent_invocations_run_at_the_same_moment_each_in_its_own_environment(rendezvous, tmp_path):
    function = rendezvous(concurrency=3)
    answers = invoke_together(function, tmp_path, 3)
    assert all(answer["met"] for answer in answers)
    assert len({answer["pid"] for answer in answers}) == 3
    assert function.environments.size == 3


def test_an_environment_is_reused_once_free_and_no_more_are_started_than_the_concurrency(rendezvous, tmp_path):
    function = rendezvous(concurrency=1)
    event = {"body": json.dumps({"folder": str(tmp_path), "expected": 1, "patience": 0})}
    first, second = (json.loads(function(event)["body"]) for _ in range(2))
    assert first["pid"] == second["pid"] and function.environments.size == 1


def test_a_handler_that_raises_keeps_its_environment_and_says_why(rendezvous):
    from local.execution import InvocationError

    function = rendezvous(concurrency=1)
    with pytest.raises(InvocationError) as raised:
        function({"body": "not json"})
    assert raised.value.error_type == "JSONDecodeError"
    assert function.environments.size == 1 and function.environments.idle == 1


def test_a_handler_that_cannot_be_imported_fails_each_invocation_instead_of_hanging(rendezvous):
    from local.execution import EnvironmentGone

    function = Function("lobby-missing", "stack_rendezvous_missing.handler", "us-east-1", "000000000000",
                        concurrency=2)
    try:
        for _ in range(2):  # the next invocation tries a new environment, and fails the same way
            with pytest.raises(EnvironmentGone, match="ModuleNotFoundError"):
                function({"body": "{}"})
    finally:
        function.stop()
