"""Is a store file on a network drive or in a synced folder? There SQLite's write-ahead log is unsafe.

SQLite's WAL needs every process on one host sharing memory (https://sqlite.org/wal.html), and sync clients
(OneDrive, SharePoint, Dropbox…) copy `-wal`/`-shm` files independently of the database: that is how histories
get corrupted or lost. `shared_location(path)` says why a path is shared, or None for a local disk:

- Windows: UNC paths (`\\\\server\\share\\…`) and mapped drives (`GetDriveTypeW` says DRIVE_REMOTE);
- every OS: a folder inside OneDrive (`%OneDrive%`, `%OneDriveCommercial%`, `%OneDriveConsumer%`) or whose path
  names a sync client (a "OneDrive…" or "SharePoint" folder, macOS `Library/CloudStorage`, Dropbox, Google Drive,
  iCloud Drive);
- Linux: the file system type of the mount holding it (`/proc/self/mountinfo`): NFS, SMB/CIFS, and FUSE
  file systems (sshfs, rclone, gvfs…), which are network or sync mounts far more often than not;
- macOS: `statfs`'s `f_fstypename` (smbfs, nfs, afpfs, webdav, macFUSE).

The platform's facts come from a `Platform`, so tests can give each platform's answers without being on it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath

DRIVE_REMOTE = 4  # GetDriveTypeW
NETWORK_TYPES = frozenset({"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "afpfs", "ncpfs", "9p",
                           "ceph", "glusterfs", "lustre", "gpfs", "webdav", "davfs", "coda", "osxfuse", "macfuse"})
LOCAL_FUSE = frozenset({"fuseblk"})  # ntfs-3g, exfat on a local block device
ONEDRIVE_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")
_SYNCED_NAMES = re.compile(r"^(onedrive\b.*|.*\bsharepoint\b.*|dropbox( \(.*\))?|google ?drive|icloud ?drive|"
                           r"cloudstorage|mobile documents)$", re.IGNORECASE)


def _empty() -> str:
    return ""


def _no_drive_type(root: str) -> int:
    return 0


def _no_fs_type(path: str) -> str:
    return ""


@dataclass(frozen=True)
class Platform:
    """What `shared_location` asks of the machine (the real one by default; tests give each platform's answers)."""

    system: str  # sys.platform: "win32", "linux", "darwin"
    environ: Mapping[str, str] = field(default_factory=dict)
    mountinfo: Callable[[], str] = _empty  # Linux: the text of /proc/self/mountinfo
    drive_type: Callable[[str], int] = _no_drive_type  # Windows: GetDriveTypeW("X:\\")
    fs_type: Callable[[str], str] = _no_fs_type  # macOS: statfs(path).f_fstypename

    @classmethod
    def current(cls) -> Platform:
        return cls(system=sys.platform, environ=dict(os.environ), mountinfo=_read_mountinfo,
                   drive_type=_windows_drive_type, fs_type=_macos_fs_type)


def shared_location(path: str | os.PathLike[str], *, platform: Platform | None = None) -> str | None:
    """A phrase naming why `path` is shared ("on a network drive (Z:)"), or None for a local disk."""
    machine = platform or Platform.current()
    windows = machine.system == "win32"
    if windows:
        pure: PurePath = PureWindowsPath(os.fspath(path))
        if not pure.anchor:
            pure = PureWindowsPath(os.path.abspath(path))
    else:
        pure = PurePath(_absolute(path))
    return (_windows(pure, machine) if windows else None) or _synced(pure, machine) or (
        _linux(str(pure), machine) if machine.system.startswith("linux") else
        _macos(str(pure), machine) if machine.system == "darwin" else None)


def _absolute(path: str | os.PathLike[str]) -> str:
    try:
        return os.path.realpath(path)
    except OSError:
        return os.path.abspath(path)


def _windows(path: PurePath, machine: Platform) -> str | None:
    text = str(path)
    unc = text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\"))
    if unc or text.casefold().startswith("\\\\?\\unc\\"):
        return f"on a network share ({path.anchor.rstrip(chr(92)) or text})"
    drive = path.drive
    if len(drive) == 2 and drive[1] == ":" and machine.drive_type(f"{drive}\\") == DRIVE_REMOTE:
        return f"on a network drive ({drive.upper()})"
    return None


def _synced(path: PurePath, machine: Platform) -> str | None:
    folded = str(path).casefold()
    for name in ONEDRIVE_ENV:
        root = machine.environ.get(name)
        if root:
            root_folded = str(PureWindowsPath(root) if machine.system == "win32" else PurePath(root)).casefold()
            sep = "\\" if machine.system == "win32" else "/"
            if folded == root_folded or folded.startswith(root_folded.rstrip(sep) + sep):
                return "in a OneDrive folder, which a sync client copies file by file"
    for part in path.parts[:-1]:
        if _SYNCED_NAMES.match(part.strip()):
            return f"in a synced folder ({part}), which a sync client copies file by file"
    return None


def mount_type(path: str, mountinfo: str) -> tuple[str, str] | None:
    """(mount point, file system type) of the mount holding `path`, from /proc/self/mountinfo's text."""
    best: tuple[str, str] | None = None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, tail[0])
    return best


def _network_type(fs_type: str) -> bool:
    kind = fs_type.casefold()
    return kind in NETWORK_TYPES or (kind.startswith("fuse") and kind not in LOCAL_FUSE and kind != "fusectl") or (
        kind.startswith("nfs") or kind.startswith("smb"))


def _linux(path: str, machine: Platform) -> str | None:
    try:
        found = mount_type(path, machine.mountinfo())
    except OSError:
        return None
    if found is None or not _network_type(found[1]):
        return None
    return f"on a network or FUSE file system ({found[1]} at {found[0]})"


def _macos(path: str, machine: Platform) -> str | None:
    folder = path
    while folder and not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    try:
        kind = machine.fs_type(folder)
    except OSError:
        return None
    return f"on a network file system ({kind})" if kind and _network_type(kind) else None


# --- the real machine -------------------------------------------------------------------------------------------


def _read_mountinfo() -> str:
    return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")


def _windows_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return 0
    kind: int = windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))
    return kind


def _macos_fs_type(path: str) -> str:  # pragma: no cover - macOS only
    """statfs(2)'s f_fstypename (struct statfs with 64-bit inodes: the name follows 8 fixed fields)."""
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):
        _fields_ = [("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32), ("f_blocks", ctypes.c_uint64),
                    ("f_bfree", ctypes.c_uint64), ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
                    ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2), ("f_owner", ctypes.c_uint32),
                    ("f_type", ctypes.c_uint32), ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
                    ("f_fstypename", ctypes.c_char * 16), ("f_mntonname", ctypes.c_char * 1024),
                    ("f_mntfromname", ctypes.c_char * 1024), ("f_flags_ext", ctypes.c_uint32),
                    ("f_reserved", ctypes.c_uint32 * 7)]

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    function = None
    for name in ("statfs$INODE64", "statfs"):  # x86-64 names the 64-bit-inode call statfs$INODE64
        function = getattr(libc, name, None)
        if function is not None:
            break
    if function is None:
        return ""
    result = StatFs()
    if function(os.fsencode(path), ctypes.byref(result)) != 0:
        return ""
    kind: bytes = result.f_fstypename
    return kind.decode("utf-8", "replace")


__all__ = ["DRIVE_REMOTE", "NETWORK_TYPES", "Platform", "mount_type", "shared_location"]
