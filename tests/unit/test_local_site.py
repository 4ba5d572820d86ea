"""The local runtime's web app serving and security headers (local/site.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local import aws, template
from local.site import Site, security_headers


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "_app" / "immutable").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "_app" / "immutable" / "a.js").write_text("console.log(1)")
    (tmp_path / "_app" / "immutable" / "a.js.gz").write_bytes(b"gz")
    (tmp_path / "_app" / "immutable" / "a.js.br").write_bytes(b"br")
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def test_a_page_path_gets_the_app(build: Path) -> None:
    response = Site(build).handle("GET", "/registrations/confirm", {})
    assert response is not None
    assert response.status == 200
    assert response.body.startswith(b"<!doctype html>")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_hashed_assets_are_immutable_and_precompressed(build: Path) -> None:
    site = Site(build)
    brotli = site.handle("GET", "/_app/immutable/a.js", {"Accept-Encoding": "gzip, br"})
    assert brotli is not None
    assert (brotli.body, brotli.headers["Content-Encoding"]) == (b"br", "br")
    assert "immutable" in brotli.headers["Cache-Control"]
    gzip = site.handle("GET", "/_app/immutable/a.js", {"accept-encoding": "gzip, br;q=0"})
    assert gzip is not None
    assert gzip.body == b"gz"
    plain = site.handle("GET", "/_app/immutable/a.js", {})
    assert plain is not None
    assert plain.body == b"console.log(1)"
    assert "Content-Encoding" not in plain.headers


def test_head_names_the_length_without_a_body(build: Path) -> None:
    response = Site(build).handle("HEAD", "/_app/immutable/a.js", {})
    assert response is not None
    assert (response.body, response.headers["Content-Length"]) == (b"", "14")


def test_api_and_local_routes_and_writes_pass_through(build: Path) -> None:
    site = Site(build)
    assert site.handle("GET", "/v1/facilities", {}) is None
    assert site.handle("GET", "/_local/outbox", {}) is None
    assert site.handle("GET", "/openapi.json", {}) is None
    assert site.handle("POST", "/", {}) is None


def test_missing_assets_and_paths_outside_the_build_are_404(build: Path) -> None:
    site = Site(build)
    for path in ("/missing.png", "/../secret.txt", "/%2e%2e/secret.txt", "/_app/../../secret.txt"):
        response = site.handle("GET", path, {})
        assert response is not None
        assert b"outside" not in response.body
        assert response.status in (200, 404)  # the app itself, or not found
    missing = site.handle("GET", "/missing.png", {})
    assert missing is not None
    assert missing.status == 404


def test_an_unbuilt_app_says_how_to_build_it(tmp_path: Path) -> None:
    response = Site(tmp_path / "nothing").handle("GET", "/", {})
    assert response is not None
    assert response.status == 503
    assert b"make run" in response.body


def test_security_headers_come_from_the_cloudfront_policy_of_the_template() -> None:
    document = template.load()
    params = {**aws.parameters(document), "Stage": "prod"}
    headers = security_headers(
        document, lambda value: aws.resolve(value, {}, params), "http://127.0.0.1:5555"
    )
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    bucket = "yoyaku-proofs-123456789012-ap-northeast-1-prod"
    assert f"connect-src 'self' https://{bucket}.s3.ap-northeast-1.amazonaws.com" in csp
    connect_src = csp.split("connect-src", 1)[1].split(";", 1)[0]
    assert connect_src.endswith("http://127.0.0.1:5555")
    # the renewal mini-app's LIFF SDK (bundled) calls the LINE API and fetches its texts
    assert " https://api.line.me https://liffsdk.line-scdn.net " in connect_src
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
