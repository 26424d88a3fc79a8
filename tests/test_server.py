"""The HTTP layer (api.server) against raw sockets: slow or idle clients are cut after bounded
timeouts, and requests h11 refuses get their status (400, 414, 431, 408) in the JSON error shape.

A real uvicorn server (api.server.ServerConfig over the real app) runs on a free 127.0.0.1 port,
with 1 s timeouts so the attacks stay short; after each attack a cheap request still answers.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from raw_http import exchange, parse, read_all
from sparql_support import assert_responsive

from api.app import create_app
from api.server import ServerConfig
from api.settings import Settings
from orbat.servers import free_port
from orbat.store import EmbeddedStore

SETTINGS = Settings(header_timeout_s=1.0, keep_alive_timeout_s=1.0)


@pytest.fixture(scope="module")
def port(kb: EmbeddedStore) -> Iterator[int]:
    chosen = free_port()
    config = ServerConfig(create_app(kb, SETTINGS), SETTINGS, host="127.0.0.1", port=chosen, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield chosen
    server.should_exit = True
    thread.join(10)


@pytest.fixture(autouse=True)
def still_answers(port: int) -> Iterator[None]:
    """After every attack, a cheap request answers at once."""
    yield
    with httpx.Client(timeout=5) as http:  # made before the clock starts: a new client takes 60-100 ms
        assert_responsive(lambda: http.get(f"http://127.0.0.1:{port}/api/health"))


HEAD = b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n"


@pytest.mark.parametrize(
    ("payload", "status", "reason"),
    [
        (b"GET /" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "URL is longer"),
        (b"GET /?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "URL is longer"),
        (HEAD + b"X-Big: " + b"a" * 200_000 + b"\r\n\r\n", 431, "headers are larger"),
        (HEAD + b"".join(b"X-%d: %s\r\n" % (i, b"a" * 60) for i in range(500)) + b"\r\n", 431, "headers are larger"),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) + b"\r\n\r\n", 400, "invalid HTTP"),
        (b"\x00\xff\xfe garbage \x7f\r\n\r\n", 400, "invalid HTTP"),
        (b"GET /api/health HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n", 400, "invalid HTTP"),
        (HEAD + b"Content-Length: -1\r\n\r\n", 400, "invalid HTTP"),
        (b"GET\r\n\r\n", 400, "invalid HTTP"),
    ],
)
def test_refused_requests_get_their_status_as_json(port: int, payload: bytes, status: int, reason: str) -> None:
    answered, headers, body = exchange(port, payload)
    assert answered == status
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    error = json.loads(body)["error"]
    assert error["status"] == status and reason in error["message"]


def test_a_slow_header_client_is_cut_after_the_header_timeout(port: int) -> None:
    """One header byte every 0.2 s: answered 408 and closed about header_timeout_s after it began."""
    started = time.monotonic()  # before connecting: the server's clock starts when it accepts
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(HEAD)
        sock.settimeout(0.2)
        raw = b""
        while time.monotonic() - started < 10:
            try:
                sock.sendall(b"X")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            raw += chunk
        elapsed = time.monotonic() - started
    status, _, body = parse(raw)
    assert status == 408 and json.loads(body)["error"]["status"] == 408
    assert SETTINGS.header_timeout_s <= elapsed < SETTINGS.header_timeout_s + 3


def test_a_connection_that_sends_nothing_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        started = time.monotonic()
        assert read_all(sock) == b""
        assert time.monotonic() - started < SETTINGS.header_timeout_s + 3


def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(HEAD + b"\r\n")
        sock.settimeout(5)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        read_all(sock)
        assert time.monotonic() - started < SETTINGS.keep_alive_timeout_s + 3


def test_a_keep_alive_connection_serves_several_requests(port: int) -> None:
    """The head deadline restarts with every request: three requests 0.6 s apart on one connection."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        for _ in range(3):
            assert client.get("/api/health").status_code == 200
            time.sleep(0.6)
