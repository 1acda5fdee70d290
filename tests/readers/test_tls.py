"""HTTPS to a pinned IP: TLS server name and certificate check use the URL's host."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from corroborate.errors import FetchError
from corroborate.readers import Fetcher, fetch_url

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for news.test."""
    tmp = tmp_path_factory.mktemp("tls")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], cert
    finally:
        httpd.shutdown()
        httpd.server_close()


def _fetcher(cert: Path, host: str) -> tuple[Fetcher, httpx.Client]:
    client = httpx.Client(verify=ssl.create_default_context(cafile=str(cert)))
    return Fetcher(client, resolver=lambda h, p: ["127.0.0.1"] if h == host else []), client


def test_https_to_pinned_ip_checks_the_host_name(tls_server: tuple[int, Path]) -> None:
    port, cert = tls_server
    fetcher, client = _fetcher(cert, "news.test")
    with client:
        fetched = fetch_url(f"https://news.test:{port}/", fetcher=fetcher, allow_private=True)
    assert fetched.body == f"host=news.test:{port}".encode()


def test_certificate_for_another_name_refused(tls_server: tuple[int, Path]) -> None:
    port, cert = tls_server
    fetcher, client = _fetcher(cert, "other.test")
    with client, pytest.raises(FetchError) as info:
        fetch_url(f"https://other.test:{port}/", fetcher=fetcher, allow_private=True)
    assert info.value.reason == "fetch-failed"
    assert "CERTIFICATE_VERIFY_FAILED" in info.value.message or "match" in info.value.message
