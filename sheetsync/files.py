"""Writing output files safely: new files only, written atomically (temp file in the same folder + rename).

Every writer in sheetsync goes through `atomic_output`, so a crash never leaves half a report, and an existing
file (perhaps the user's own workbook, perhaps open in Excel) is never overwritten unless asked.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

from sheetsync.errors import OutputExistsError, OutputWriteError, SheetsyncError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = False,
                  protect: tuple[str | os.PathLike[str], ...] = ()) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is renamed to `path`, on failure removed.

    `protect` names input files that must never be the output (the user's workbook), whatever `overwrite` says.
    """
    target = Path(path)
    resolved = target.resolve()
    for other in protect:
        if Path(other).resolve() == resolved:
            raise OutputExistsError(
                "is the input file; sheetsync never writes over a user's workbook",
                path=target, hint="Choose another output name")
    if target.exists() and not overwrite:
        raise OutputExistsError("already exists", path=target, hint="Choose another name or pass --overwrite")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SheetsyncError(f"cannot write here ({exc.strerror or exc})", path=target,
                             hint="Choose a folder you can write to") from exc
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    try:  # mkstemp makes 0600; an output should get the usual permissions
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~umask)
        else:
            os.chmod(tmp, 0o666 & ~umask)
    finally:
        os.close(fd)
    try:
        yield tmp
        if not overwrite and target.exists():
            raise OutputExistsError("appeared while it was being written", path=target,
                                    hint="Choose another name or pass --overwrite")
        os.replace(tmp, target)
    except Exception as exc:
        problem = _write_problem(exc)
        if problem is None:
            raise
        _release_failed_writer(exc)
        raise OutputWriteError(f"could not be written: {problem}", path=target,
                             hint="Free some space or choose another folder, then run the command again") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder for intermediate files (removed after); a full or failing disk there is one clear
    OutputWriteError, as for an output."""
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            yield Path(tmp)
    except OSError as exc:
        problem = _write_problem(exc)
        if problem is None:
            raise
        raise OutputWriteError(f"the temporary folder could not be written: {problem}", path=tempfile.gettempdir(),
                               hint="Free some space (or set TMPDIR to another folder), then run the command "
                                    "again") from None


# What a full or failing disk says, in plain words. Writers wrap these (XlsxWriter's FileCreateError holds the
# OSError as its argument), so the whole chain of an exception is searched.
_WRITE_ERRORS = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", -1): "the disk quota is used up",
    errno.EFBIG: "the file is too large for this disk",
    errno.EROFS: "the disk is read-only",
    errno.EIO: "the disk reported an input/output error",
}


def _write_problem(exc: BaseException) -> str | None:
    """The plain-words cause when `exc` (or what it wraps) is a disk failure; None for anything else."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 20:
        error = todo.pop()
        if error in seen:
            continue
        seen.append(error)
        if isinstance(error, OSError) and error.errno in _WRITE_ERRORS:
            return _WRITE_ERRORS[error.errno]
        todo.extend(arg for arg in error.args if isinstance(arg, BaseException))
        todo.extend(e for e in (error.__cause__, error.__context__) if e is not None)
    return None


def _release_failed_writer(exc: BaseException) -> None:
    """Close now, quietly, what a writer left open when the disk failed under it (python-docx and XlsxWriter leave
    a half-written zip in their frames). Left to the collector, each would print "Exception ignored … No space
    left on device" after the one line that says so."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None  # their buffered bytes cannot be written: there is nothing to report
    try:
        for error in (exc, exc.__cause__, exc.__context__):
            if error is not None:
                traceback.clear_frames(error.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False,
                       protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    with atomic_output(path, overwrite=overwrite, protect=protect) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, overwrite: bool = False,
                      protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite=overwrite, protect=protect)


__all__ = ["atomic_output", "scratch_folder", "write_bytes_atomic", "write_text_atomic"]
