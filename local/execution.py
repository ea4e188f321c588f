"""Lambda's execution environments for the local stack: one process per concurrent invocation.

In Lambda every concurrent invocation of a function runs in an execution environment of its
own, which imports the handler once (the cold start) and then serves one invocation at a
time. A handler's module-level state (Powertools' resolver, its batch processor) relies on
that, so the local stack does the same: ``ExecutionEnvironment`` is a Python process that
imports one handler and answers invocations one after the other; ``Environments`` is a
function's pool of them, grown when every one is busy (up to ``concurrency``), as Lambda
scales out.

The parent writes one JSON line per invocation to the child's stdin (the event and the
request id); the child answers on a pipe of its own (stdout and stderr stay the function's
logs, inherited from the stack). Events and answers are JSON, as in Lambda. An error raised
by the handler comes back as ``InvocationError`` with the exception's type and message (the
traceback goes to the function's log, as Lambda writes it).

    python -m local.execution HANDLER_PATH FUNCTION_NAME FUNCTION_ARN REPLY_FD   (the child)
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("local.execution")

ROOT = Path(__file__).resolve().parent.parent


class InvocationError(Exception):
    """The handler raised: ``str()`` is its message (API Gateway reads "Unauthorized" from it)."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


class EnvironmentGone(Exception):
    """The environment's process ended (it failed to start or crashed)."""


class ExecutionEnvironment:
    """One process with one handler imported; serves one invocation at a time."""

    def __init__(self, handler_path: str, function_name: str, function_arn: str):
        self.function_name = function_name
        read, write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local.execution", handler_path, function_name, function_arn, str(write)],
                cwd=ROOT, env=dict(os.environ), stdin=subprocess.PIPE, pass_fds=(write,))
        finally:
            os.close(write)
        self._replies = os.fdopen(read, "rb")
        self._ready = False

    def wait_ready(self) -> None:
        """Until the child has imported its handler (the cold start); ``EnvironmentGone`` if it cannot."""
        if self._ready:
            return
        try:
            self._read()
        except InvocationError as error:  # the import failed: the child has ended
            raise EnvironmentGone(f"{self.function_name}: {error.error_type}: {error}") from error
        self._ready = True

    def invoke(self, event: Any, request_id: str) -> Any:
        self.wait_ready()
        try:
            self._process.stdin.write(json.dumps({"event": event, "request_id": request_id}).encode() + b"\n")
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise EnvironmentGone(f"{self.function_name}: the execution environment is gone") from error
        return self._read()

    def _read(self) -> Any:
        line = self._replies.readline()
        if not line:
            raise EnvironmentGone(f"{self.function_name}: the execution environment ended "
                                  f"(exit {self._process.wait()})")
        reply = json.loads(line)
        if "error" in reply:
            raise InvocationError(reply["error"]["type"], reply["error"]["message"])
        return reply.get("result")

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        """End the child's input: it finishes the invocation at hand, if any, and exits."""
        try:
            self._process.stdin.close()
        except OSError:
            pass

    def stop(self, timeout: float = 1) -> None:
        """End the process: at the end of its input, or (still importing, or stuck) by a signal."""
        self.close()
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._replies.close()


class Environments:
    """A function's execution environments. An idle one serves the next invocation; when all
    are busy, one more starts (up to ``concurrency``) and the invocation takes whichever is
    free first, that new one once its handler is imported or a busy one that finishes: bursts
    are served at the same moment without each request paying a cold start on this small
    machine. A handler that cannot be imported fails the invocations, as Lambda's
    Runtime.ImportModuleError does."""

    def __init__(self, handler_path: str, function_name: str, function_arn: str, *, concurrency: int):
        self.handler_path = handler_path
        self.function_name = function_name
        self.function_arn = function_arn
        self.concurrency = concurrency
        # Ready environments, the warmest first; an EnvironmentGone stands for one that failed to start.
        self._idle: queue.LifoQueue[ExecutionEnvironment | EnvironmentGone] = queue.LifoQueue()
        self._all: list[ExecutionEnvironment] = []
        self._lock = threading.Lock()
        self._stopped = False

    def warm(self) -> None:
        """Start one environment now (its import runs while the stack does other things)."""
        self._grow()

    def invoke(self, event: Any, request_id: str) -> Any:
        environment = self._take()
        try:
            return environment.invoke(event, request_id)
        except EnvironmentGone:
            self._forget(environment)
            raise
        finally:
            if environment.alive and not self._stopped:
                self._idle.put(environment)  # a handler's error leaves its environment warm, as in Lambda

    def _take(self) -> ExecutionEnvironment:
        try:
            ready = self._idle.get_nowait()
        except queue.Empty:
            self._grow()
            ready = None
        while ready is None:
            if self._stopped:
                raise EnvironmentGone(f"{self.function_name}: the stack is stopping")
            try:
                ready = self._idle.get(timeout=0.5)
            except queue.Empty:
                continue
        if isinstance(ready, EnvironmentGone):
            raise ready
        return ready

    def _grow(self) -> None:
        with self._lock:
            if self._stopped or len(self._all) >= self.concurrency:
                return
            environment = ExecutionEnvironment(self.handler_path, self.function_name, self.function_arn)
            self._all.append(environment)
        threading.Thread(target=self._when_ready, args=(environment,), name=f"environment-{self.function_name}",
                         daemon=True).start()

    def _when_ready(self, environment: ExecutionEnvironment) -> None:
        try:
            environment.wait_ready()
        except EnvironmentGone as gone:
            self._forget(environment)
            if not self._stopped:
                log.error("%s", gone)
                self._idle.put(gone)  # the invocation waiting for it fails, and the next one tries again
            return
        self._idle.put(environment)

    def _forget(self, environment: ExecutionEnvironment) -> None:
        with self._lock:
            if environment in self._all:
                self._all.remove(environment)
        environment.stop()

    @property
    def size(self) -> int:
        """How many environments the function has (busy or idle)."""
        return len(self._all)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def close(self) -> None:
        """Take no more invocations and end every environment's input (each then exits)."""
        with self._lock:
            self._stopped = True
            environments = list(self._all)
        for environment in environments:
            environment.close()

    def stop(self) -> None:
        self.close()
        with self._lock:
            environments, self._all = self._all, []
        for environment in environments:
            environment.stop()


# -- the child ---------------------------------------------------------------------------------

def _serve(handler_path: str, function_name: str, function_arn: str, reply_fd: int) -> int:
    import importlib
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the stack, which stops us
    replies = os.fdopen(reply_fd, "w", encoding="utf-8")

    def reply(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    import local  # noqa: F401  (puts functions/ on sys.path, as the code asset's root is in Lambda)
    from local.lambda_runtime import LambdaContext

    module, _, attribute = handler_path.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module), attribute)
    except Exception as error:  # Runtime.ImportModuleError: every invocation fails
        traceback.print_exc()
        reply({"error": {"type": type(error).__name__, "message": str(error)}})
        return 1
    reply({"ready": True})
    for line in sys.stdin:
        call = json.loads(line)
        context = LambdaContext(function_name=function_name, invoked_function_arn=function_arn,
                                aws_request_id=call["request_id"])
        try:
            result = handler(call["event"], context)
            reply({"result": result})
        except Exception as error:
            traceback.print_exc()
            reply({"error": {"type": type(error).__name__, "message": str(error)}})
    return 0


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
