"""Writing output files safely: new files only, written atomically (temp file in the same folder + rename).

Every writer in sheetsync goes through `atomic_output`, so a crash never leaves half a report, and an existing
file (perhaps the user's own workbook, perhaps open in Excel) is never overwritten unless asked.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sheetsync.errors import OutputExistsError, SheetsyncError


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
        raise OutputExistsError("already exists", path=target, hint="Choose another name or pass --force")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SheetsyncError(f"cannot write here ({exc.strerror or exc})", path=target,
                             hint="Choose a folder you can write to") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an output should get the usual permissions
    try:
        yield tmp
        if not overwrite and target.exists():
            raise OutputExistsError("appeared while it was being written", path=target,
                                    hint="Choose another name or pass --force")
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False,
                       protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    with atomic_output(path, overwrite=overwrite, protect=protect) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, overwrite: bool = False,
                      protect: tuple[str | os.PathLike[str], ...] = ()) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite=overwrite, protect=protect)


__all__ = ["atomic_output", "write_bytes_atomic", "write_text_atomic"]
