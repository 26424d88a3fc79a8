"""An HTTP response body as a file that pyoxigraph's parsers read as it arrives.

pyoxigraph's ``parse`` and ``parse_query_results`` take any binary file object and read it in chunks,
so N-Triples, N-Quads and JSON results are parsed while they stream in: memory stays at one chunk
however large the answer (``RemoteStore.quads`` on a million triples). Each read checks the
deadline (orbat.deadline), so a slow answer stops at the time limit, not at the end of the body.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx

from orbat.deadline import Deadline, QueryTimeout

CHUNK = 1 << 16


class ResponseReader(io.RawIOBase):
    """A streaming response's body, read in chunks; closes the response at its end or on error."""

    def __init__(self, response: httpx.Response, deadline: Deadline | None) -> None:
        self._response = response
        self._chunks: Iterator[bytes] = response.iter_bytes(CHUNK)
        self._deadline = deadline
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = self._next()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _next(self) -> bytes:
        if self._deadline is not None:
            self._deadline.check()
        try:
            return next(self._chunks, b"")
        except httpx.TimeoutException as exc:
            self.close()
            raise QueryTimeout("the SPARQL server's answer did not arrive in time") from exc
        except httpx.HTTPError as exc:
            self.close()
            raise OSError(f"the SPARQL server's answer broke off: {exc}") from exc

    def read_all(self) -> bytes:
        try:
            return b"".join(iter(self._next, b""))
        finally:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()
