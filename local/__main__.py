"""`python -m local` (make run): the whole service at http://127.0.0.1:$PORT (default 3000)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import warnings

import boto3

from local import aws, demo, template
from local.environments import Environments, FunctionSpec, timeout_factor
from local.gateway import Gateway
from local.jpki import LocalJpki
from local.line_platform import FakeLinePlatform
from local.scheduler import LocalScheduler, recurring
from local.server import LocalRoutes, record_sent_mail, serve
from local.site import Site, security_headers
from yoyaku import runtime
from yoyaku.runtime import OffsetClock

RESOURCE_VARIABLES = {
    "TABLE_NAME",
    "IDEMPOTENCY_TABLE_NAME",
    "PROOF_BUCKET",
    "REVIEW_STATE_MACHINE_ARN",
    "DRAW_STATE_MACHINE_ARN",
    "SCHEDULER_ROLE_ARN",
    "IDENTITY_BUCKET",
    "AUDIT_BUCKET",
    "JPKI_CRL_SOURCES",
}
CRL_REFRESH_FUNCTION = "CrlRefreshFunction"


def function_specs(
    functions: dict[str, template.Function],
    names: dict[str, str],
    params: dict[str, str],
    base: dict[str, str],
) -> dict[str, FunctionSpec]:
    """Each function's environment: this process's (AWS endpoint, LINE, site) and the
    variables the template gives that function."""
    factor = timeout_factor()
    specs = {}
    for logical_id, function in functions.items():
        environment = dict(base)
        for key, value in function.environment.items():
            # Tunables already set in the environment win (e.g. a short reminder delay
            # for a demo); names of resources created here always come from the template.
            if key in RESOURCE_VARIABLES or key not in base:
                environment[key] = str(aws.resolve(value, names, params))
        # As Lambda sets them (Powertools idempotency keys carry the function name).
        environment["AWS_LAMBDA_FUNCTION_NAME"] = names.get(logical_id, logical_id)
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(function.memory)
        specs[logical_id] = FunctionSpec(
            logical_id, function.handler, environment, function.timeout * factor, function.memory
        )
    return specs


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # as Ctrl-C: the workers are stopped on the way out


def main() -> int:
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's own request log
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    port = int(os.environ.get("PORT", "3000"))
    document = template.load()
    # E-mailed links point at this server, which also serves the web app.
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    aws.serialize_dynamodb_writes()
    local = aws.start_moto()
    names = aws.create_resources(local, document)
    functions = template.functions(document)
    params = aws.parameters(document)
    # Quieter than in AWS: one line per request is what a person at the terminal reads.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    # LINE is the fake platform on loopback, whatever the environment says.
    clock = OffsetClock()
    line = FakeLinePlatform(clock).start()
    os.environ["LINE_API_HOST"] = line.url
    os.environ["LINE_JWKS_URL"] = line.jwks_url
    # The test CA's CRL is served by this process and fetched by the real refresh
    # function; verifications re-list the configuration each time, so a test card
    # revoked a moment ago is refused at once.
    params["JpkiCrlSources"] = f"http://127.0.0.1:{port}/_local/jpki/crl"
    os.environ.setdefault("JPKI_CACHE_SECONDS", "0")
    # Each function runs in environments of its own, as in AWS, so the warm caches of the
    # reception schedule and of facilities would show a staff change only after 30-60 s;
    # a person trying the service (and every test) expects it at once.
    os.environ.setdefault("RECEPTION_CACHE_SECONDS", "0")
    os.environ.setdefault("FACILITY_CACHE_SECONDS", "0")
    # No CloudFront here: every request is counted by its own source address, and no
    # client may name another (the template's value is the AWS stack id).
    os.environ["VIEWER_ADDRESS_SECRET"] = ""
    os.environ["YOYAKU_LOCAL"] = "1"
    specs = function_specs(functions, names, params, dict(os.environ))
    # This process reads the tables and buckets too (demo data, the JPKI roots).
    for logical_id, function in functions.items():
        for key in function.environment:
            os.environ.setdefault(key, specs[logical_id].environment[key])
    line.provision(os.environ["LINE_SECRET_NAME"], os.environ["LINE_CHANNEL_ID_PARAMETER"])

    runtime.install(runtime.Runtime(clock=clock))
    record_sent_mail(clock)
    environments = Environments(specs, lambda: clock.offset)
    gateway = Gateway(template.api(document), functions, environments.invoke)
    aws.dispatch_lambda_to(gateway.invoke, names)
    schedules = [
        found
        for s in template.schedules(document)
        if (
            found := recurring(
                str(aws.resolve(s.name, names, params)),
                s.function,
                str(aws.resolve(s.expression, names, params)),
                clock.now(),
            )
        )
    ]
    scheduler = LocalScheduler(lambda name, event: gateway.invoke(name, event), schedules)
    jpki = LocalJpki()
    boto3.client("s3").put_object(
        Bucket=os.environ["IDENTITY_BUCKET"],
        Key=os.environ["JPKI_ROOTS_PREFIX"] + "jpki-test.cer",
        Body=jpki.ca.root_der,
    )
    demo.load(gateway)

    headers = security_headers(
        document, lambda value: aws.resolve(value, names, params), proof_origin=local.endpoint
    )
    site = Site()

    def refresh_crl() -> object:
        return gateway.invoke(CRL_REFRESH_FUNCTION, {"source": "local"})

    routes = LocalRoutes(clock, scheduler, line, jpki, refresh_crl)
    server = serve(port, gateway, routes, site, headers)
    web = f"http://127.0.0.1:{port}/" if site.built else "not built (make run builds it)"
    serving = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    serving.start()
    refresh_crl()  # fetches the JPKI-TEST CRL from this very server into S3
    scheduler.start()
    try:
        # Inside the try: a Ctrl-C that comes as soon as the banner's first line is out
        # (a harness waiting for it) still stops cleanly.
        print(
            f"Yoyaku is running at http://127.0.0.1:{port} "
            f"(AWS mock at {local.endpoint}, ready in {time.perf_counter() - started:.1f}s)\n"
            f"  web app: {web}\n"
            f"  try: curl http://127.0.0.1:{port}/v1/facilities\n"
            f"  staff console: http://127.0.0.1:{port}/staff "
            f"({demo.DEMO_STAFF_ID} / {demo.DEMO_STAFF_PASSWORD}, administrator)\n"
            f"  LINE: a fake platform at {line.url} (pushes: /_local/line/outbox)\n"
            f"  My Number test cards: POST /_local/mynumber-cards (JPKI-TEST root "
            f"{jpki.root_fingerprint[:16]}…)\n"
            "  data lives in memory only: it is rebuilt from the demo set at every start.\n"
            "  Ctrl-C stops.",
            flush=True,
        )
        while serving.is_alive():
            serving.join(0.5)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        server.shutdown()
        server.server_close()
        scheduler.stop()
        environments.stop()
        line.stop()
        local.stop()
        print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    # moto runs each Step Functions execution on a thread of its own; a review waiting for
    # staff sleeps there for days. Nothing is left to save (data lives in memory), so
    # leave at once instead of waiting for those threads.
    sys.stdout.flush()
    os._exit(code)
