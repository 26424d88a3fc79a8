"""HTTP over a raw socket, for tests that send what no HTTP client would (api.server's attacks)."""

from __future__ import annotations

import contextlib
import socket
import threading


def read_all(sock: socket.socket, limit_s: float = 10.0) -> bytes:
    """Everything the server sends until it closes (or ``limit_s`` passes)."""
    sock.settimeout(limit_s)
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, TimeoutError):
        pass
    return b"".join(chunks)


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, body


def exchange(port: int, payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``payload`` (from a thread, since the server may answer before reading it all) and
    read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:

        def send() -> None:
            with contextlib.suppress(OSError):  # the server may answer and close before reading it all
                sock.sendall(payload)

        sender = threading.Thread(target=send)
        sender.start()
        raw = read_all(sock)
        sender.join(10)
    return parse(raw)
