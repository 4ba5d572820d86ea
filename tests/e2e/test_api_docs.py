"""The API reference at /docs of the local runtime: Swagger UI reading /openapi.json."""

from __future__ import annotations

from tests.e2e.conftest import LocalService


def test_docs_page_loads_swagger_ui_from_this_runtime(service: LocalService) -> None:
    page = service.call("GET", "/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<title>Yoyaku API reference</title>" in page.text
    # Every file the page names is served here (no CDN), scripts as files (no inline code).
    for src in ("/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/initializer.js"):
        assert f'"{src}"' in page.text
        asset = service.call("GET", src)
        assert asset.status_code == 200, src
        assert len(asset.content) > 10 or src.endswith("initializer.js"), src
    assert '"/openapi.json"' in service.call("GET", "/docs/initializer.js").text
    document = service.call("GET", "/openapi.json").json()
    assert document["info"]["title"] == "Yoyaku API"


def test_an_unknown_docs_file_is_not_found(service: LocalService) -> None:
    missing = service.call("GET", "/docs/nothing.js")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
