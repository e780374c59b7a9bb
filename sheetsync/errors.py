"""One error tree. Every message names the file (and sheet and cell where known), what is wrong and what to do.

The CLI and the Excel adapter turn a `SheetsyncError` into one line (exit code 2, or a message box); anything
else escaping is a bug.
"""

from __future__ import annotations


class SheetsyncError(Exception):
    """Base of every error sheetsync raises on purpose."""

    def __init__(self, message: str, *, path: object | None = None, hint: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.hint = hint
        self.detail = message
        super().__init__(message)

    def __str__(self) -> str:
        parts = [f"{self.path}: {self.detail}" if self.path else self.detail]
        if self.hint:
            parts.append(self.hint)
        return " ".join(part if part.endswith((".", "?", "!")) else part + "." for part in parts)


class UnreadableFileError(SheetsyncError, ValueError):
    """The file cannot be read at all: not a workbook, corrupt, encrypted, a bomb, too large."""


class NoPlanFoundError(SheetsyncError, ValueError):
    """The file opens but holds nothing recognisable as a plan grid."""


class UnsupportedFormatError(SheetsyncError, ValueError):
    """An import source whose shape no importer understands."""


class OutputExistsError(SheetsyncError, FileExistsError):
    """An output file is already there and --overwrite was not given."""


class OutputWriteError(SheetsyncError, OSError):
    """An output could not be written (a full disk, a quota, a read-only or failing drive); nothing was left."""


class StoreError(SheetsyncError, OSError):
    """The snapshot store cannot be opened, written or trusted."""


class SnapshotNotFoundError(SheetsyncError, LookupError):
    """A snapshot id that the store does not hold."""


class ConfigError(SheetsyncError, ValueError):
    """A setting or option value that makes no sense."""


class PackageError(SheetsyncError, ValueError):
    """A package that cannot be patched as asked (no such sheet, a cell inside a shared formula, ...)."""


__all__ = [
    "ConfigError",
    "NoPlanFoundError",
    "OutputExistsError",
    "OutputWriteError",
    "PackageError",
    "SheetsyncError",
    "SnapshotNotFoundError",
    "StoreError",
    "UnreadableFileError",
    "UnsupportedFormatError",
]
