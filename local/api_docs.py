"""The API reference at `/docs` of the local runtime: Swagger UI reading `/openapi.json`.

Swagger UI's own files come from the npm package swagger-ui-dist, installed from
tools/openapi's lock file by `make run` (nothing is fetched from a CDN, so the page works
offline and under the site's Content-Security-Policy: no inline script).
"""

from __future__ import annotations

import json
from pathlib import Path

from local.gateway import HttpResponse
from local.template import ROOT

ASSETS = ROOT / "tools" / "openapi" / "node_modules" / "swagger-ui-dist"
_FILES = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Yoyaku API reference</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/initializer.js"></script>
</body>
</html>
"""
# Try-it-out calls go to this same runtime; a token from POST /v1/sessions (citizen) or
# POST /v1/staff/sessions goes into "Authorize".
_INITIALIZER = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  persistAuthorization: false,
});
"""


def _text(body: str, content_type: str) -> HttpResponse:
    return HttpResponse(200, {"Content-Type": content_type}, body.encode())


def handle(method: str, path: str) -> HttpResponse | None:
    """The page and its files for GET (and HEAD), a 404 problem for any other file under
    /docs/; None for any other path."""
    if method not in ("GET", "HEAD") or not (path == "/docs" or path.startswith("/docs/")):
        return None
    if path in ("/docs", "/docs/"):
        return _text(_PAGE, "text/html; charset=utf-8")
    if path == "/docs/initializer.js":
        return _text(_INITIALIZER, "text/javascript; charset=utf-8")
    name = path.removeprefix("/docs/")
    if name in _FILES and (ASSETS / name).is_file():
        return HttpResponse(200, {"Content-Type": _FILES[name]}, Path(ASSETS / name).read_bytes())
    body = {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": f"/docs has no file {name!r} (Swagger UI's files come from `make run`).",
        "code": "NOT_FOUND",
    }
    return HttpResponse(
        404, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()
    )
