"""Downloads that neither hold a query worker while a client reads nor fill the memory.

The serializer writes into a spooled file on the query pool (memory up to 8 MB, then a temporary
file) at full speed and frees its worker; the response then streams the file in chunks, with a
Content-Length, at the client's pace. A failure while serializing is still an error answer (no
header has been sent yet), and the file is closed however the response ends, a client that hangs
up included. (Streaming straight from the serializer would tie a worker to the slowest reader.)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def spool(writer: Callable[[IO[bytes]], None]) -> IO[bytes]:
    """Run ``writer`` into a spooled file and rewind it; the file is closed if the writer fails."""
    file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115 (returned open)
    complete = False
    try:
        writer(file)
        file.seek(0)
        complete = True
        return file
    finally:
        if not complete:
            file.close()


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
