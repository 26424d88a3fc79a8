"""Files of the workspace written all or nothing: staged under hidden names, renamed into place.

A report file must never be half-written, and a folder that refuses it (read-only, full) must
leave nothing behind. So every file of a change is first written in full beside its final name,
under a hidden temporary name (``.NAME.tmp``), synced, and only renamed into place (atomic within
a folder) once the store holds the change; the report file itself is renamed last, since it is
what makes a report. A file being removed is first hidden (``.NAME.removing``). ``reconcile``
deletes whatever hidden file a killed process left; the build that follows makes the store match
the files (orbat.changes).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from orbat.workspace import Workspace

TEMPORARY = ".tmp"
REMOVING = ".removing"
REPORT_SUFFIX = ".yaml"


class WorkspaceWriteError(OSError):
    """The workspace folder refused the report file (read-only, full): nothing was changed."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        why = "the disk is full" if self.full else (exc.strerror or str(exc))
        super().__init__(
            exc.errno, f"cannot write the report into the workspace folder {path.parent}: {why}; nothing was changed"
        )


def fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def stage(workspace: Workspace, files: dict[str, bytes]) -> list[tuple[Path, Path]]:
    """Write each file (workspace-relative name -> bytes) under a hidden temporary name beside its
    own; (temporary, final) pairs. A failure removes what was written and raises WorkspaceWriteError."""
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            final = workspace.root / name
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary = final.with_name(f".{final.name}{TEMPORARY}")
            staged.append((temporary, final))
            with temporary.open("wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        unstage(staged)
        raise WorkspaceWriteError(workspace.root / next(iter(files)), exc) from exc
    return staged


def unstage(staged: list[tuple[Path, Path]]) -> None:
    for temporary, _ in staged:
        with contextlib.suppress(OSError):
            temporary.unlink()


def put_in_place(staged: list[tuple[Path, Path]]) -> None:
    """Rename the staged files to their names, the report file last."""
    for temporary, final in sorted(staged, key=lambda pair: pair[1].suffix == REPORT_SUFFIX):
        temporary.replace(final)
    if staged:
        fsync_folder(staged[0][1].parent)


def hide(workspace: Workspace, names: list[str]) -> list[tuple[Path, Path]]:
    """Hide the files being removed; (hidden, original) pairs. A failure puts back what was hidden
    and raises WorkspaceWriteError."""
    hidden: list[tuple[Path, Path]] = []
    try:
        for name in names:
            path = workspace.root / name
            if path.exists():
                target = path.with_name(f".{path.name}{REMOVING}")
                path.replace(target)
                hidden.append((target, path))
    except OSError as exc:
        unhide(hidden)
        raise WorkspaceWriteError(workspace.root / names[0], exc) from exc
    return hidden


def unhide(hidden: list[tuple[Path, Path]]) -> None:
    for target, path in hidden:
        target.replace(path)


def delete(hidden: list[tuple[Path, Path]]) -> None:
    for target, _ in hidden:
        with contextlib.suppress(OSError):
            target.unlink()
    if hidden:
        fsync_folder(hidden[0][1].parent)


def reconcile(workspace: Workspace) -> list[Path]:
    """Remove what an interrupted add or remove left in the reports folder (hidden temporary files;
    a hidden removed file is deleted): the build that follows makes the store match the files."""
    left = sorted(workspace.reports.glob(f".*{TEMPORARY}")) + sorted(workspace.reports.glob(f".*{REMOVING}"))
    for path in left:
        with contextlib.suppress(OSError):
            path.unlink()
    return left
