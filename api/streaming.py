"""Downloads that neither hold a query worker while a client reads nor fill the memory.

The serializer writes into a temporary file on the runner (in a worker process, or a thread) at
full speed and frees its worker; the response then streams the file in chunks, with a
Content-Length, at the client's pace. The file is unlinked as soon as the response holds it open.
A failure while serializing is still an error answer (no
header has been sent yet), and the file is closed however the response ends, a client that hangs
up included. (Streaming straight from the serializer would tie a worker to the slowest reader.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

CHUNK_BYTES = 64 * 1024


def spool(writer: Callable[..., None], *args: Any) -> str:
    """Run ``writer(*args, output)`` into a new temporary file and return its path (a worker process
    cannot hand over an open file); the file is removed if the writer fails."""
    fd, name = tempfile.mkstemp(prefix="orbat-spool-")
    try:
        with os.fdopen(fd, "wb") as output:
            writer(*args, output)
    except BaseException:
        os.unlink(name)
        raise
    return name


def take(path: str) -> IO[bytes]:
    """Open a spooled file and unlink it: it is gone when closed, however the response ends."""
    file = open(path, "rb")  # noqa: SIM115 (returned open)
    os.unlink(path)
    return file


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


class SpooledResponse(StreamingResponse):
    """A spooled file, streamed in chunks and closed when the response ends, however it ends."""

    def __init__(
        self,
        file: IO[bytes],
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        size = file.seek(0, 2)
        file.seek(0)
        headers = {**(headers or {}), "Content-Length": str(size)}
        super().__init__(_chunks(file), status_code=status_code, headers=headers, media_type=media_type)
        self.file = file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.file.close()
