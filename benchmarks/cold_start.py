"""Cold start: import-and-init time of each entrypoint in a fresh interpreter.

Each probe is a new `python -c` process that times only the statement under test with
`time.perf_counter()` (interpreter start-up is reported apart), and also reports its CPU
time (`time.process_time()`), which shows whether a slow run was the code or a busy
machine. The handler modules
build their Powertools resolver, Logger and Metrics at import, so "import" here is the
module-level init that Lambda runs in its INIT phase.

The target is relative, so that it holds on any machine and under any load: every
entrypoint's import ÷ a bare `import boto3`, both timed in the same run (the probes
take turns, round after round), at most 1.3. The ratio uses CPU time, which a busy
shared machine disturbs far less than wall time; both are reported. Beside it stands
the floor: what the libraries every API function needs cost together (pynamodb with
its botocore, pydantic, a Powertools resolver with validation and its parameter types,
Logger and Metrics), ÷ the same `import boto3`. botocore alone is most of `import boto3`,
so the floor sits well above 1; an entrypoint's own share is its ratio minus the floor.
Below it, the lower bound is what every function imports, API or not: pynamodb with its
botocore, and pydantic. When the lower bound alone is above 1.3, no entrypoint can meet
the target while those two are imported at INIT.

Two bytecode situations are measured, because they differ by a factor of about three:

- `cached`: every module has its .pyc (a private `-X pycache_prefix` directory, primed
  by one unmeasured run). The ratios come from this one.
- `as packaged`: `sam build` ships the layer and the function code without .pyc files
  and Lambda's file system is read-only, so in AWS every cold start compiles those
  sources again. The probe reproduces that by refusing bytecode for everything outside
  the standard library (which the Lambda runtime ships compiled).

Tracer is measured alone (`from aws_lambda_powertools import Tracer; Tracer()`) and on top
of the slowest entrypoint, with `LAMBDA_TASK_ROOT` set so that it patches the AWS SDK as
it would in Lambda. Finally `python -X importtime` shows which imports dominate.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import ROOT, Figure, Section, median

# Every entrypoint's import at most this many times a bare `import boto3` (same run).
TARGET_RATIO = 1.3
# What every function imports before any code of its own, API or not: pynamodb with its
# botocore (every function reads the table) and pydantic (every domain model). Above 1.3
# on its own, this shows the target cannot be met with these two libraries at INIT.
LOWER_BOUND_STATEMENT = "import pynamodb.models; from pydantic import BaseModel"
# What every API function imports before any code of its own: the floor of the ratio.
FLOOR_STATEMENT = (
    "import pynamodb.models; from pydantic import BaseModel; "
    "from aws_lambda_powertools.event_handler import APIGatewayRestResolver; "
    "from aws_lambda_powertools.event_handler.openapi.params import Query; "
    "from aws_lambda_powertools import Logger, Metrics; "
    "APIGatewayRestResolver(enable_validation=True)"
)

# Runs in the fresh interpreter: argv = [mode, setup, statement]. Prints milliseconds.
PROBE = """
import sys, time
if sys.argv[1] == "source":
    import sysconfig
    import _frozen_importlib_external as bootstrap
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    cached = bootstrap.cache_from_source
    def no_bytecode(path, debug_override=None, *, optimization=None):
        if not path.startswith(stdlib) or "-packages" in path:
            raise NotImplementedError  # SourceLoader then compiles from source, writes nothing
        return cached(path, debug_override, optimization=optimization)
    bootstrap.cache_from_source = no_bytecode
exec(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
exec(sys.argv[3])
print((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
"""

_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s(.*)$")


@dataclass(frozen=True)
class Probe:
    key: str
    label: str
    statement: str
    setup: str = ""
    lambda_env: bool = False


@dataclass(frozen=True)
class Timing:
    """Wall-clock milliseconds (the figure), and the CPU time of the same runs, which
    hardly moves when other processes compete for the machine's two cores."""

    median_ms: float
    max_ms: float
    runs: list[float]
    cpu_median_ms: float | None = None

    def note(self) -> str:
        text = f"median of {len(self.runs)}, max {self.max_ms:.0f} ms"
        if self.cpu_median_ms is not None:
            text += f", CPU {self.cpu_median_ms:.0f} ms"
        return text


def _timing(measured: list[tuple[float, float]]) -> Timing:
    values = [wall for wall, _ in measured]
    return Timing(median(values), max(values), values, median([cpu for _, cpu in measured]))


class Interpreter:
    """Fresh `python` processes sharing one private bytecode cache."""

    def __init__(self, cache_dir: Path, environment: dict[str, str]) -> None:
        self.cache_dir = cache_dir
        self.environment = environment

    def env(self, lambda_env: bool = False) -> dict[str, str]:
        env = dict(self.environment)
        if lambda_env:
            env["LAMBDA_TASK_ROOT"] = "/var/task"
        return env

    def probe(self, probe: Probe, mode: str) -> tuple[float, float]:
        completed = subprocess.run(
            [
                sys.executable,
                "-X",
                f"pycache_prefix={self.cache_dir}",
                "-c",
                PROBE,
                mode,
                probe.setup,
                probe.statement,
            ],
            env=self.env(probe.lambda_env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"{probe.label}: {completed.stderr.strip()[-2000:]}")
        wall, cpu = completed.stdout.strip().splitlines()[-1].split()
        return float(wall), float(cpu)

    def time(self, probe: Probe, mode: str, runs: int) -> Timing:
        return self.take_turns([probe], mode, runs)[probe.key]

    def take_turns(self, probes: list[Probe], mode: str, runs: int) -> dict[str, Timing]:
        """Every probe `runs` times, one after another in each round, so that a change
        of load on the machine touches all of them alike (ratios stay comparable)."""
        measured: dict[str, list[tuple[float, float]]] = {p.key: [] for p in probes}
        for _ in range(runs):
            for probe in probes:
                measured[probe.key].append(self.probe(probe, mode))
        return {key: _timing(values) for key, values in measured.items()}

    def startup(self, runs: int) -> Timing:
        values = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-X", f"pycache_prefix={self.cache_dir}", "-c", "pass"],
                env=self.env(),
                check=True,
            )
            values.append((time.perf_counter() - started) * 1000)
        return Timing(median(values), max(values), values)

    def importtime(self, probe: Probe) -> list[tuple[int, int, str]]:
        completed = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-X",
                f"pycache_prefix={self.cache_dir}",
                "-c",
                probe.statement,
            ],
            env=self.env(probe.lambda_env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        rows = []
        for line in completed.stderr.splitlines():
            found = _IMPORTTIME.match(line)
            if found:
                rows.append((int(found[1]), int(found[2]), found[3]))
        return rows


def entrypoints() -> dict[str, tuple[str, list[str], list[str]]]:
    """module -> (a handler attribute, the functions using it, their handlers) from the template."""
    from local import template

    found: dict[str, tuple[str, list[str], list[str]]] = {}
    for logical_id, function in template.functions(template.load()).items():
        module, _, attribute = function.handler.rpartition(".")
        _, users, attributes = found.setdefault(module, (attribute, [], []))
        users.append(logical_id)
        attributes.append(attribute)
    return found


def _environment() -> dict[str, str]:
    """The parent's environment with bytecode writing on, plus the template's variables."""
    from local import aws, template

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "LAMBDA_TASK_ROOT"}
    }
    # Every function validates its settings at init.
    env.update(aws.globals_environment(template.load()))
    env["PYTHONPATH"] = str(ROOT / "functions")  # as /var/task; site-packages plays the layer
    env.setdefault("AWS_REGION", "ap-northeast-1")
    env.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    return env


def by_package(rows: list[tuple[int, int, str]]) -> list[tuple[str, float]]:
    """Self time per top-level package, in ms, largest first."""
    totals: dict[str, int] = defaultdict(int)
    for self_us, _, name in rows:
        totals[name.strip().split(".")[0]] += self_us
    return sorted(((k, v / 1000) for k, v in totals.items()), key=lambda kv: -kv[1])


def run(runs: int = 5) -> Section:
    started = time.perf_counter()
    modules = entrypoints()
    probes = [
        Probe(
            f"entrypoint.{module}",
            f"{module.removeprefix('yoyaku.entrypoints.')} ({', '.join(users)})",
            f"from {module} import " + ", ".join(sorted(set(attributes))),
        )
        for module, (_, users, attributes) in modules.items()
    ]
    boto3 = Probe("boto3", "import boto3 (reference)", "import boto3")
    floor = Probe(
        "floor",
        "floor: pynamodb (botocore) + pydantic + Powertools validating resolver, Logger, Metrics",
        FLOOR_STATEMENT,
    )
    lower_bound = Probe(
        "lowerBound",
        "lower bound: pynamodb (botocore) + pydantic, which every function imports",
        LOWER_BOUND_STATEMENT,
    )
    # Paid once per container on first use, never at INIT: the first LINE push imports
    # line-bot-sdk; the first LINE sign-in imports PyJWT with its ES256 (cryptography).
    line_push = Probe(
        "linePushImport",
        "first LINE push: import line-bot-sdk (lazy)",
        "from linebot.v3.messaging import ApiClient, ApiException, Configuration, "
        "MessagingApi, PushMessageRequest, TextMessage",
    )
    line_sign_in = Probe(
        "lineSignInImport",
        "first LINE sign-in: import PyJWT + ES256 (lazy)",
        "import jwt; from jwt import PyJWKClient; from jwt.algorithms import ECAlgorithm",
    )
    # The identity function imports its certificate libraries on first use: what the
    # first verification adds to the entrypoint's own init.
    identity_first = Probe(
        "identity.firstVerification",
        "identity_api + the first verification's imports (pyhanko-certvalidator)",
        "from yoyaku.entrypoints.identity_api import handler; "
        "import pyhanko_certvalidator, asn1crypto.x509",
    )
    identity_cms = Probe(
        "identity.firstCms",
        "identity_api + the first CMS verification's imports (pyhanko-certvalidator, pyHanko)",
        "from yoyaku.entrypoints.identity_api import handler; "
        "import pyhanko_certvalidator; import pyhanko.sign.validation.generic_cms",
    )
    references = [boto3, lower_bound, floor, line_push, line_sign_in, identity_first, identity_cms]
    tracer = Probe(
        "tracer",
        "Tracer alone: from aws_lambda_powertools import Tracer; Tracer()",
        "from aws_lambda_powertools import Tracer; Tracer()",
        lambda_env=True,
    )

    figures: list[Figure] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="yoyaku-bench-pycache-") as cache:
        interpreter = Interpreter(Path(cache), _environment())
        for probe in [*probes, *references]:
            interpreter.probe(probe, "cached")  # primes the bytecode cache, not measured
        startup = interpreter.startup(runs)

        timings = {
            mode: interpreter.take_turns([*probes, *references], mode, runs)
            for mode in ("cached", "source")
        }
        cached = timings["cached"]
        reference = cached[boto3.key]
        for probe in [lower_bound, floor, *probes]:
            figures.append(_ratio_figure(probe, cached[probe.key], reference))
        for mode, shown in (("cached", ".pyc cached"), ("source", "as packaged (no .pyc)")):
            for probe in [*probes, *references]:
                timing = timings[mode][probe.key]
                figures.append(
                    Figure(
                        f"coldStart.{mode}.{probe.key}",
                        f"{probe.label}, {shown}",
                        round(timing.median_ms, 1),
                        "ms",
                        note=timing.note(),
                        details={
                            "runs": timing.runs,
                            "maxMs": timing.max_ms,
                            "cpuMedianMs": timing.cpu_median_ms,
                        },
                    )
                )
        slowest = max(probes, key=lambda p: cached[p.key].cpu_median_ms or 0.0)

        figures.extend(_tracer_figures(interpreter, tracer, slowest, runs, notes))
        figures.append(
            Figure(
                "coldStart.interpreterStartup",
                "interpreter start-up to exit (python -c pass, wall)",
                round(startup.median_ms, 1),
                "ms",
                note="not part of the figures above; Lambda's own bootstrap replaces it",
                details={"runs": startup.runs},
            )
        )

        figures.append(_importtime(interpreter, slowest, notes))
    return Section(
        f"Cold start: import and init in a fresh interpreter ({runs} rounds, probes in turn)",
        figures,
        notes,
        time.perf_counter() - started,
    )


def _ratio_figure(probe: Probe, timing: Timing, reference: Timing) -> Figure:
    """`probe` ÷ `import boto3`, on the CPU-time medians of the same rounds."""
    cpu, boto3_cpu = timing.cpu_median_ms or 0.0, reference.cpu_median_ms or 1.0
    is_floor = probe.key in {"floor", "lowerBound"}
    return Figure(
        f"coldStart.ratio.{probe.key}",
        f"{probe.label} ÷ import boto3",
        round(cpu / boto3_cpu, 2),
        "×",
        at_most=None if is_floor else TARGET_RATIO,
        note=f"CPU {cpu:.0f} ms ÷ {boto3_cpu:.0f} ms; wall "
        f"{timing.median_ms:.0f} ÷ {reference.median_ms:.0f} ms = "
        f"{timing.median_ms / reference.median_ms:.2f}",
        details={"cpuMs": cpu, "boto3CpuMs": boto3_cpu, "wallMs": timing.median_ms},
    )


def _label(probe: Probe) -> str:
    return probe.label.split(" ")[0]


def _tracer_figures(
    interpreter: Interpreter, tracer: Probe, slowest: Probe, runs: int, notes: list[str]
) -> list[Figure]:
    """Tracer alone and on top of the slowest entrypoint (needs aws-xray-sdk installed)."""
    try:
        interpreter.probe(tracer, "cached")  # primes, and checks aws-xray-sdk is there
    except RuntimeError as error:
        notes.append(f"Tracer not measured: {str(error).splitlines()[-1]}")
        return []
    alone = interpreter.time(tracer, "cached", runs)
    on_top = Probe(
        "tracerOnTop",
        f"Tracer() added to {_label(slowest)}",
        tracer.statement,
        setup=slowest.statement,
        lambda_env=True,
    )
    marginal = interpreter.time(on_top, "cached", runs)
    return [
        Figure(
            "coldStart.tracerAlone",
            tracer.label,
            round(alone.median_ms, 1),
            "ms",
            note=f"{alone.note()}; not used on purpose",
            details={"runs": alone.runs, "cpuMedianMs": alone.cpu_median_ms},
        ),
        Figure(
            "coldStart.tracerMarginal",
            f"Tracer() on top of {_label(slowest)} (extra)",
            round(marginal.median_ms, 1),
            "ms",
            note=f"{marginal.note()}: X-Ray SDK import + patching botocore/pynamodb",
            details={"runs": marginal.runs, "cpuMedianMs": marginal.cpu_median_ms},
        ),
    ]


def _importtime(interpreter: Interpreter, slowest: Probe, notes: list[str]) -> Figure:
    """`python -X importtime` of the slowest entrypoint, summed per top-level package."""
    rows = interpreter.importtime(slowest)
    packages = by_package(rows)
    total = sum(ms for _, ms in packages)
    heaviest = sorted(rows, key=lambda r: -r[0])[:5]
    notes.append(
        f"python -X importtime for the slowest entrypoint ({_label(slowest)}), "
        f"self time by top-level package (sum {total:.0f} ms, importtime adds overhead):"
    )
    notes.extend(f"  {name:<24} {ms:6.1f} ms  {ms / total:5.1%}" for name, ms in packages[:10])
    notes.append(
        "  heaviest single modules (self): "
        + ", ".join(f"{name.strip()} {us / 1000:.1f} ms" for us, _, name in heaviest)
    )
    return Figure(
        "coldStart.importtime",
        "import time of the slowest entrypoint under -X importtime (self, sum)",
        round(total, 1),
        "ms",
        details={
            "entrypoint": slowest.key,
            "byPackage": dict(packages[:12]),
            "heaviestModules": {name.strip(): us / 1000 for us, _, name in heaviest},
        },
    )
