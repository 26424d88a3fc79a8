"""What a storage failure means for a client: 507 when the disk is full, 503 for other I/O errors.

RocksDB reports its failures to pyoxigraph as ``OSError`` with a RocksDB status text ("IO error:
No space left on device: While appending to file: /srv/store/000008.log: ..."), without an errno.
After such a failure RocksDB stops accepting writes until the database is opened again (its
"background error" state), so the embedded store reopens itself (orbat.store.embedded); this
module only classifies the error and words it for the client, without the store's file paths.

507 Insufficient Storage is WebDAV's status (RFC 4918 section 11.5) for "the server is unable to
store the representation needed to complete the request", the one HTTP has for a full disk.
"""

from __future__ import annotations

import errno

from orbat.store.base import StoreError, scrub_paths

_NO_SPACE = ("no space left on device", "disk quota exceeded", "space limit reached")
_STORAGE = ("io error", "corruption", "lock hold", "no locks available", *_NO_SPACE)


def is_no_space(exc: OSError) -> bool:
    text = str(exc).lower()
    return exc.errno in (errno.ENOSPC, errno.EDQUOT) or any(marker in text for marker in _NO_SPACE)


def is_storage_failure(exc: OSError) -> bool:
    """An error of the disk or database under the store (not, say, a LOAD that could not fetch its URL)."""
    text = str(exc).lower()
    return exc.errno is not None or any(marker in text for marker in _STORAGE)


def storage_error(exc: OSError, doing: str = "write") -> StoreError:
    """The client's view of a failed storage operation: what happened, that nothing was written."""
    if is_no_space(exc):
        return StoreError(
            f"the disk that holds the store is full: the {doing} was not applied and nothing changed; "
            "the store accepts writes again once space is freed, without a restart",
            status=507,
        )
    return StoreError(f"the store could not {doing}: {scrub_paths(str(exc))}; nothing changed, retry later", 503)
