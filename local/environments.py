"""Execution environments: each function's handler runs in worker processes of its own,
one invocation at a time per process, as Lambda runs it.

A function gets a small pool of environments (LOCAL_ENVIRONMENTS_PER_FUNCTION, default 4),
created on its first invocation. An environment is a process started by the forkserver
(never forked from this threaded process) that sets the function's variables from the
template, imports its handler once (its cold start) and then serves invocations one by
one. Every invocation carries the application clock's offset, so a worker reads the same
time as the runtime that moved it. Workers reach moto, the fake LINE platform and the
JPKI-TEST CRL over loopback HTTP, as a function in AWS reaches the services.

A handler that raises is reported like a Lambda function error (the environment lives
on); a worker that dies or outlives the function's timeout is replaced, and the caller
gets `FunctionCrashed` or `FunctionTimedOut` (API Gateway answers 502 and 504).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import Any

POOL_SIZE_VARIABLE = "LOCAL_ENVIRONMENTS_PER_FUNCTION"
DEFAULT_POOL_SIZE = 4
# This machine is slower than Lambda and shares its cores among every function: the
# template's timeout is stretched by this factor before an invocation is given up.
TIMEOUT_FACTOR_VARIABLE = "LOCAL_TIMEOUT_FACTOR"
DEFAULT_TIMEOUT_FACTOR = 3.0
# Imported once by the forkserver, so a cold start only imports the function's own code.
_PRELOAD = [
    "local.environments",
    "boto3",
    "botocore.session",
    "pydantic",
    "pynamodb.models",
    "aws_lambda_powertools",
    "aws_lambda_powertools.event_handler",
]


class FunctionError(Exception):
    """The handler raised (a Lambda function error); str() is its message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


class FunctionCrashed(Exception):
    """The environment died during the invocation (it is replaced)."""


class FunctionTimedOut(Exception):
    """The invocation outlived the function's timeout (its environment is replaced)."""


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler: str  # module.attribute
    environment: dict[str, str]
    timeout: float  # seconds, as the template gives it
    memory: int = 512


# ---------------------------------------------------------------- the worker's side


def _serve(connection: Connection, spec: FunctionSpec) -> None:
    """A worker's life: cold start, then one invocation at a time until told to stop or
    until the runtime that started it goes away (its end of the pipe closes)."""
    import signal
    import traceback
    import warnings

    # Ctrl-C at the terminal reaches the whole process group; the runtime stops workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.clear()
    os.environ.update(spec.environment)
    warnings.filterwarnings("ignore", message="No application metrics to publish")

    from yoyaku import runtime
    from yoyaku.runtime import OffsetClock

    clock = OffsetClock()
    runtime.install(runtime.Runtime(clock=clock))
    from local.gateway import LambdaContext, load_handler

    handler = load_handler(spec.handler)
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        event, request_id, offset_seconds, deadline = message
        clock.set_offset(timedelta(seconds=offset_seconds))
        context = LambdaContext(
            function_name=spec.logical_id,
            memory_limit_in_mb=spec.memory,
            aws_request_id=request_id,
            deadline=deadline,
        )
        try:
            reply: tuple[str, Any] = ("ok", handler(event, context))
        except Exception as error:
            traceback.print_exc()
            reply = ("error", (type(error).__name__, str(error)))
        try:
            connection.send(reply)
        except (EOFError, OSError):
            return


# ---------------------------------------------------------------- the runtime's side


class Environment:
    """One worker process and the runtime's end of its pipe."""

    def __init__(self, context: Any, spec: FunctionSpec) -> None:
        self.spec = spec
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, spec), name=f"env-{spec.logical_id}", daemon=True
        )
        self.process.start()
        child.close()
        self.pid: int | None = None
        self.invocations = 0

    def invoke(self, event: dict[str, Any], offset_seconds: float) -> Any:
        timeout = self.spec.timeout
        started = time.monotonic()
        if self.pid is None:  # the cold start counts towards the first invocation
            if not self.connection.poll(timeout + 60):
                raise FunctionTimedOut(f"{self.spec.logical_id}: the cold start took too long")
            self.pid = self._receive()[1]
        deadline = time.time() + max(timeout - (time.monotonic() - started), 1)
        self.connection.send((event, str(uuid.uuid4()), offset_seconds, deadline))
        self.invocations += 1
        if not self.connection.poll(max(deadline - time.time(), 0.1)):
            raise FunctionTimedOut(
                f"{self.spec.logical_id}: timed out after {self.spec.timeout:.0f} seconds"
            )
        status, value = self._receive()
        if status == "error":
            raise FunctionError(*value)
        return value

    def _receive(self) -> Any:
        try:
            return self.connection.recv()
        except (EOFError, OSError) as error:
            code = self.process.exitcode
            raise FunctionCrashed(
                f"{self.spec.logical_id}: the environment exited ({code})"
            ) from error

    def stop(self, wait: float = 2.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(wait)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.connection.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class Pool:
    """A function's environments: at most `size`, each serving one invocation at a time."""

    def __init__(self, context: Any, spec: FunctionSpec, size: int) -> None:
        self.context = context
        self.spec = spec
        self.size = size
        self._idle: list[Environment] = []
        self._every: set[Environment] = set()
        self._count = 0
        self._stopped = False
        self._ready = threading.Condition()
        self.started = 0  # cold starts, for tests and the log

    def _acquire(self) -> Environment:
        with self._ready:
            while True:
                if self._stopped:
                    raise FunctionCrashed(f"{self.spec.logical_id}: the runtime is stopping")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    self.started += 1
                    break
                self._ready.wait()
        try:
            environment = Environment(self.context, self.spec)
        except BaseException:
            self._discard(None)
            raise
        with self._ready:
            self._every.add(environment)
        return environment

    def _release(self, environment: Environment) -> None:
        with self._ready:
            if self._stopped:
                environment.stop(0)
                return
            self._idle.append(environment)
            self._ready.notify()

    def _discard(self, environment: Environment | None) -> None:
        with self._ready:
            self._every.discard(environment)
            self._count -= 1
            self._ready.notify()

    def invoke(self, event: dict[str, Any], offset_seconds: float) -> Any:
        environment = self._acquire()
        try:
            result = environment.invoke(event, offset_seconds)
        except FunctionError:
            self._release(environment)  # a handled failure: the environment lives on
            raise
        except BaseException:
            environment.kill()  # dead, stuck or interrupted: replaced on the next call
            self._discard(environment)
            raise
        self._release(environment)
        return result

    def stop(self) -> None:
        with self._ready:
            self._stopped = True
            idle, self._idle = self._idle, []
            busy = self._every.difference(idle)
            self._ready.notify_all()
        for environment in idle:
            environment.stop()
        for environment in busy:  # an invocation still running is cut short
            environment.kill()


class Environments:
    """The runtime's pools, one per function, created on first use."""

    def __init__(
        self,
        specs: dict[str, FunctionSpec],
        offset: Callable[[], timedelta],
        size: int | None = None,
    ) -> None:
        self.specs = specs
        self.offset = offset
        self.size = size or int(os.environ.get(POOL_SIZE_VARIABLE) or DEFAULT_POOL_SIZE)
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._pools: dict[str, Pool] = {}
        self._lock = threading.Lock()

    def pool(self, logical_id: str) -> Pool:
        with self._lock:
            if logical_id not in self._pools:
                self._pools[logical_id] = Pool(self._context, self.specs[logical_id], self.size)
            return self._pools[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        return self.pool(logical_id).invoke(event, self.offset().total_seconds())

    def stop(self) -> None:
        with self._lock:
            pools = list(self._pools.values())
        for pool in pools:
            pool.stop()


def timeout_factor() -> float:
    return float(os.environ.get(TIMEOUT_FACTOR_VARIABLE) or DEFAULT_TIMEOUT_FACTOR)
