"""Web app figures: first-load JavaScript and Largest Contentful Paint.

The local runtime (what `make run` runs) serves the built app (`make web`); headless
Chromium (Debian's, as in the browser tests) loads the top page and the calendar page
with a cold cache at phone width, via `web/scripts/bench.js`. JavaScript is counted as
gzip (level 9) of every script the page loads, the figure CloudFront sends; LCP is the
median of the runs, plain and with the CPU slowed 4x.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

from benchmarks.report import ROOT, Figure, Section
from local import process
from local.process import RunningService

JS_TARGET_KB = 100
LCP_TARGET_MS = 1500


def run(runs: int = 5) -> Section:
    started = time.perf_counter()
    web = ROOT / "web"
    if not (web / "build" / "index.html").is_file():
        raise RuntimeError("web/build is missing: run `make web` first (make bench does)")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH (Node 20 builds and measures the web app)")
    service = process.start(RunningService)
    try:
        output = subprocess.run(
            [node, "scripts/bench.js", service.url, str(runs)],
            cwd=web,
            env={
                **os.environ,
                "CHROMIUM_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
    finally:
        service.stop()
    data = json.loads(output.strip().splitlines()[-1])
    figures: list[Figure] = []
    for name, label in (("top", "top page"), ("calendar", "calendar page")):
        page = data[name]
        figures.append(
            Figure(
                key=f"web.{name}.js_gzip_kb",
                label=f"first-load JS, {label} (gzip)",
                value=round(page["jsGzipBytes"] / 1024, 1),
                unit="KB",
                at_most=JS_TARGET_KB,
                note=f"{page['jsFiles']} files, {page['jsRawBytes'] / 1024:.0f} KB raw, "
                f"{page['jsSentBytes'] / 1024:.1f} KB sent (brotli)",
                details=page,
            )
        )
    calendar = data["calendar"]
    figures.append(
        Figure(
            key="web.calendar.lcp_ms",
            label="LCP, calendar page (headless Chromium, local runtime)",
            value=round(calendar["lcpMs"]),
            unit="ms",
            at_most=LCP_TARGET_MS,
            note=f"median of {runs}: {calendar['lcpRunsMs']}",
        )
    )
    figures.append(
        Figure(
            key="web.calendar.lcp_cpu4x_ms",
            label="LCP, calendar page, CPU slowed 4x",
            value=round(calendar["lcpCpu4xMs"]),
            unit="ms",
            note=f"median of {runs}: {calendar['lcpCpu4xRunsMs']}",
        )
    )
    figures.append(
        Figure(
            key="web.top.lcp_ms",
            label="LCP, top page",
            value=round(data["top"]["lcpMs"]),
            unit="ms",
            note=f"median of {runs}: {data['top']['lcpRunsMs']}",
        )
    )
    return Section(
        "Web app (first-load JavaScript, Largest Contentful Paint)",
        figures,
        notes=[
            "phone viewport 375 px, cold cache, the local runtime on loopback (no network "
            "latency): LCP here is the app's own cost, CloudFront adds the network's"
        ],
        seconds=time.perf_counter() - started,
    )
