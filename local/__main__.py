"""`python -m local` (make run): the whole service at http://127.0.0.1:$PORT (default 3000)."""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings

from local import aws, demo, template
from local.concurrency import isolate_requests_per_thread
from local.gateway import Gateway
from local.line_platform import FakeLinePlatform
from local.scheduler import LocalScheduler
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
}


def main() -> int:
    started = time.perf_counter()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's own request log
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    port = int(os.environ.get("PORT", "3000"))
    document = template.load()
    # E-mailed links point at this server, which also serves the web app.
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    aws.serialize_dynamodb_writes()
    isolate_requests_per_thread()
    local = aws.start_moto()
    names = aws.create_resources(local, document)
    functions = template.functions(document)
    # Every function shares this process, so the template's variables are set once.
    params = aws.parameters(document)
    # Quieter than in AWS: one line per request is what a person at the terminal reads.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    # LINE is the fake platform on loopback, whatever the environment says.
    clock = OffsetClock()
    line = FakeLinePlatform(clock).start()
    os.environ["LINE_API_HOST"] = line.url
    os.environ["LINE_JWKS_URL"] = line.jwks_url
    for function in functions.values():
        for key, value in function.environment.items():
            resolved = str(aws.resolve(value, names, params))
            # Tunables already set in the environment win (e.g. a short reminder delay
            # for a demo); names of resources created here always come from the template.
            if key in RESOURCE_VARIABLES or key not in os.environ:
                os.environ[key] = resolved
    os.environ["YOYAKU_LOCAL"] = "1"
    line.provision(os.environ["LINE_SECRET_NAME"], os.environ["LINE_CHANNEL_ID_PARAMETER"])

    runtime.install(runtime.Runtime(clock=clock))
    record_sent_mail(clock)
    gateway = Gateway(template.api(document), functions)
    aws.dispatch_lambda_in_process(gateway.invoke, names)
    scheduler = LocalScheduler(lambda name, event: gateway.invoke(name, event))
    demo.load(gateway)
    scheduler.start()

    headers = security_headers(
        document, lambda value: aws.resolve(value, names, params), extra_connect_src=local.endpoint
    )
    site = Site()
    server = serve(port, gateway, LocalRoutes(clock, scheduler, line), site, headers)
    web = f"http://127.0.0.1:{port}/" if site.built else "not built (make run builds it)"
    print(
        f"Yoyaku is running at http://127.0.0.1:{port} "
        f"(AWS mock at {local.endpoint}, ready in {time.perf_counter() - started:.1f}s)\n"
        f"  web app: {web}\n"
        f"  try: curl http://127.0.0.1:{port}/v1/facilities\n"
        f"  staff sign-in: {demo.DEMO_STAFF_ID} / {demo.DEMO_STAFF_PASSWORD}\n"
        f"  LINE: a fake platform at {line.url} (pushes: /_local/line/outbox)\n"
        "  data lives in memory only: it is rebuilt from the demo set at every start.\n"
        "  Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        server.server_close()
        scheduler.stop()
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
