"""How orbat serves HTTP: uvicorn's h11 protocol with a deadline for the request head, bounds on
its size, and uvicorn's own errors in the one JSON error shape.

Why a protocol subclass (passed to uvicorn as ``Config(http=...)``): uvicorn closes idle
keep-alive connections (``timeout_keep_alive``) but has no deadline for the request head, so a
client that sends one header byte every few seconds ("slowloris") keeps a connection for as long
as it likes; and it answers what h11 cannot parse with a plain-text 400 "Invalid HTTP request
received.", outside the shape of ``api.errors``. Here:

- a connection that opens, or a keep-alive connection whose next request has started, must
  complete the request head within ``Settings.header_timeout_s``: else 408 (RFC 9110 §15.5.9),
  or a plain close when nothing of a request arrived;
- the request target is bounded by ``Settings.max_url_bytes`` (414 URI Too Long, RFC 9110
  §15.5.15) and the header block by ``Settings.max_header_bytes`` (431, RFC 6585 §5), however the
  bytes are split into reads (h11 itself bounds only a head that is still incomplete);
- anything else h11 refuses is a 400; all of these in the JSON error shape;
- after such an answer the server shuts its writing side and discards what the client still
  sends for ``LINGER_S`` before closing ("lingering close", RFC 9112 §9.6), so a client that is
  still sending a 1 MB URL reads the answer instead of a connection reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol
from uvicorn.supervisors import Multiprocess

from api.errors import error_body
from api.settings import Settings

LINGER_S = 2.0  # how long to discard input after an error answer, before closing


class _Connection(h11.Connection):
    """h11's server side, with a bounded request target and header block; remembers its error."""

    def __init__(self, max_url_bytes: int, max_header_bytes: int) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=max_url_bytes + max_header_bytes)
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes
        self.error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            event = super().next_event()
            if isinstance(event, h11.Request):
                self._check_size(event)
            return event
        except h11.RemoteProtocolError as exc:
            self.error = exc
            raise

    def _check_size(self, request: h11.Request) -> None:
        if len(request.target) > self.max_url_bytes:
            raise h11.RemoteProtocolError(f"the URL is longer than {self.max_url_bytes} bytes", 414)
        size = sum(len(name) + len(value) + 4 for name, value in request.headers)
        if size > self.max_header_bytes:
            raise h11.RemoteProtocolError(f"the request headers are larger than {self.max_header_bytes} bytes", 431)

    def refusal(self) -> tuple[int, str]:
        """The status and message for the request h11 refused."""
        error = self.error
        if error is None:
            return 400, "invalid HTTP request"
        if error.error_status_hint == 431 and str(error) == "Receive buffer too long":
            # the head is still incomplete past the bound: in its request line, or in its headers
            if b"\n" not in self.trailing_data[0]:
                return 414, f"the URL is longer than {self.max_url_bytes} bytes"
            return 431, f"the request headers are larger than {self.max_header_bytes} bytes"
        if error.error_status_hint in (414, 431):
            return error.error_status_hint, str(error)
        return 400, f"invalid HTTP request: {error}"


class OrbatH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a head deadline, size bounds and JSON errors (see the module)."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.settings: Settings = getattr(config, "settings", None) or Settings()
        self.conn = _Connection(self.settings.max_url_bytes, self.settings.max_header_bytes)
        self.head_timer: asyncio.TimerHandle | None = None
        self.lingering = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            return  # after an error answer: read and drop until the client or the linger ends
        super().data_received(data)
        self._watch_head()

    def _watch_head(self) -> None:
        """Run the head deadline while a request head is awaited, and only then."""
        awaiting_head = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if awaiting_head and self.head_timer is None:
            self.head_timer = self.loop.call_later(self.settings.header_timeout_s, self._head_timed_out)
        elif not awaiting_head:
            self._stop_head_timer()

    def _stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        if self.conn.trailing_data[0]:  # part of a head arrived
            self.logger.warning("Request head not complete within %s s: closing.", self.settings.header_timeout_s)
            self.send_error(408, f"the request head was not complete within {self.settings.header_timeout_s:g} s")
        else:  # an idle connection that never started a request
            self._unset_keepalive_if_required()
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request h11 refused: here the status that fits, as JSON."""
        self.send_error(*self.conn.refusal())

    def send_error(self, status: int, message: str) -> None:
        """Answer ``status`` in the JSON error shape, then close (lingering)."""
        self._stop_head_timer()
        self._unset_keepalive_if_required()
        body = json.dumps(error_body(status, message)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        try:
            for event in (
                h11.Response(status_code=status, headers=headers, reason=STATUS_PHRASES[status]),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event) or b"")
        except h11.LocalProtocolError:  # a response had already started: nothing can be said
            self.transport.close()
            return
        self.lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration for ``app`` with orbat's protocol and the limits of ``settings``."""

    def __init__(self, app: Any, settings: Settings, **options: Any) -> None:
        super().__init__(
            app,
            http=OrbatH11Protocol,
            timeout_keep_alive=settings.keep_alive_timeout_s,  # type: ignore[arg-type]
            h11_max_incomplete_event_size=settings.max_url_bytes + settings.max_header_bytes,
            **options,
        )
        self.settings = settings


def serve(app: Any, settings: Settings, host: str, port: int) -> None:
    """Serve ``app`` until interrupted (what ``orbat serve`` runs). uvicorn shuts down cleanly on
    Ctrl-C (the app's lifespan stops the query workers), then raises the signal again for the
    caller: an interrupted server is a normal end, not a traceback."""
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(ServerConfig(app, settings, host=host, port=port, log_level="info")).run()


WORKER_APP = "api.worker:create_worker_app"


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` processes sharing one listening socket (uvicorn's supervisor restarts a
    worker that dies); each builds its app from the environment (api.worker)."""
    config = ServerConfig(WORKER_APP, settings, factory=True, workers=workers, host=host, port=port, log_level="info")
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[config.bind_socket()]).run()
