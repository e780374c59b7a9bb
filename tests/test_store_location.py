"""Network drives and synced folders: detected on each platform (with its answers faked), and the SQLite store
switches to a rollback journal with exclusive locking there."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import make_plan, save

from sheetsync import snapshots
from sheetsync.store import location, sqlite
from sheetsync.store.location import Platform, shared_location

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 27 0:45 / /mnt/share rw,relatime - cifs //fileserver/plans rw,vers=3.0
41 27 0:46 / /mnt/nfs rw,relatime - nfs4 server:/export rw
42 27 0:47 / /home/jo/remote rw,relatime - fuse.sshfs jo@host:/srv rw
43 27 0:48 / /media/usb rw,relatime - fuseblk /dev/sdb1 rw
44 40 0:49 / /mnt/share/local\040disk rw,relatime - ext4 /dev/sdc1 rw
"""


def linux(**env: str) -> Platform:
    return Platform(system="linux", environ=env, mountinfo=lambda: MOUNTINFO)


@pytest.mark.parametrize("path, expected", [
    ("/home/jo/plans/.sheetsync/snapshots.db", None),
    ("/mnt/share/forces/.sheetsync/snapshots.db", "cifs at /mnt/share"),
    ("/mnt/nfs/snapshots.db", "nfs4 at /mnt/nfs"),
    ("/home/jo/remote/plans/snapshots.db", "fuse.sshfs at /home/jo/remote"),
    ("/media/usb/snapshots.db", None),  # ntfs-3g on a local disk
    ("/mnt/share/local disk/snapshots.db", None),  # a local disk mounted inside the share (octal-escaped name)
    ("/mnt/shared/snapshots.db", None),  # a prefix of a mount point is not inside it
])
def test_linux_mounts(path: str, expected: str | None) -> None:
    found = shared_location(Path(path), platform=linux())
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found


def windows(drives: dict[str, int] | None = None, **env: str) -> Platform:
    kinds = {"C:\\": 3, "Z:\\": location.DRIVE_REMOTE, **(drives or {})}
    return Platform(system="win32", environ=env, drive_type=lambda root: kinds.get(root.upper(), 1))


@pytest.mark.parametrize("path, expected", [
    (r"C:\Users\jo\Documents\plans\.sheetsync\snapshots.db", None),
    (r"\\fileserver\plans\.sheetsync\snapshots.db", r"on a network share (\\fileserver\plans)"),
    (r"//fileserver/plans/snapshots.db", "on a network share"),
    (r"\\?\UNC\fileserver\plans\snapshots.db", "on a network share"),
    (r"z:\plans\.sheetsync\snapshots.db", "on a network drive (Z:)"),
    (r"C:\Users\jo\OneDrive - Wessex Vale Police\plans\snapshots.db", "in a OneDrive folder"),
    (r"C:\Users\jo\Wessex Vale Police\Stalking - Documents\snapshots.db", None),  # needs the env var below
])
def test_windows_paths_and_drives(path: str, expected: str | None) -> None:
    found = shared_location(path, platform=windows(OneDriveCommercial=r"C:\Users\jo\OneDrive - Wessex Vale "
                                                                            r"Police"))
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found


def test_windows_onedrive_and_sharepoint_libraries_from_the_environment() -> None:
    library = r"C:\Users\jo\Wessex Vale Police\Stalking - Documents"
    platform = windows(OneDriveCommercial=r"C:\Users\jo\Wessex Vale Police")
    assert "OneDrive" in (shared_location(library + r"\plan\snapshots.db", platform=platform) or "")
    assert shared_location(r"C:\Users\jo\SharePoint\Team\snapshots.db", platform=windows()) is not None
    assert shared_location(r"C:\Users\jo\Wessex Vale Police Other\snapshots.db", platform=platform) is None


@pytest.mark.parametrize("kind, shared", [("apfs", False), ("hfs", False), ("smbfs", True), ("nfs", True),
                                          ("afpfs", True), ("webdav", True), ("macfuse", True)])
def test_macos_file_system_types(kind: str, shared: bool) -> None:
    platform = Platform(system="darwin", fs_type=lambda path: kind)
    assert (shared_location(Path("/Users/jo/plans/snapshots.db"), platform=platform) is not None) == shared


def test_macos_cloud_storage_folders() -> None:
    platform = Platform(system="darwin", fs_type=lambda path: "apfs")
    for path in ("/Users/jo/Library/CloudStorage/OneDrive-WessexVale/plans/snapshots.db",
                 "/Users/jo/Library/Mobile Documents/com~apple~CloudDocs/snapshots.db",
                 "/Users/jo/Dropbox/plans/snapshots.db"):
        assert shared_location(Path(path), platform=platform) is not None, path


def test_this_machine_local_folder_is_not_shared(tmp_path: Path) -> None:
    assert shared_location(tmp_path / "snapshots.db") is None  # the real probe, on this Linux machine


# --- the store on a shared location -----------------------------------------------------------------------------


def _journal(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        mode: str = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    return mode


def test_a_store_on_a_network_drive_uses_a_rollback_journal_and_says_so_once(tmp_path: Path) -> None:
    db = tmp_path / "share" / "snapshots.db"
    shared = Platform(system="linux", mountinfo=lambda: f"1 1 0:1 / {tmp_path / 'share'} rw - cifs //srv/p rw\n")
    path = tmp_path / "ActionPlan.xlsx"

    def take(update: str) -> snapshots.SnapshotResult:
        with sqlite.open_repository(db, platform=shared) as repository:
            assert repository.shared is not None
            return save(path, make_plan(update=update), store=repository)

    first = take("One.")
    assert first.saved and first.note is not None and "a team sharing one history should use a server store" in (
        first.note)
    assert "cifs" in first.note
    second = take("Two.")
    assert second.saved and second.note is None  # said once
    assert _journal(db) == "delete"
    assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    with sqlite.open_repository(db, platform=shared) as repository:
        assert repository.conn.execute("PRAGMA locking_mode").fetchone()[0] == "exclusive"
    assert snapshots.verify(store=db).ok


def test_a_wal_store_moved_to_a_share_is_switched_and_told(tmp_path: Path) -> None:
    db = tmp_path / "snapshots.db"
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan(), store=str(db))
    assert _journal(db) == "wal"
    shared = Platform(system="linux", mountinfo=lambda: f"1 1 0:1 / {tmp_path} rw - nfs4 srv:/plans rw\n")
    with sqlite.open_repository(db, platform=shared) as repository:
        result = save(path, make_plan(update="On the share."), store=repository)
    assert result.note is not None and "nfs4" in result.note
    assert _journal(db) == "delete"


# --- a real FUSE mount (bindfs), where the sandbox allows one ----------------------------------------------------


@pytest.fixture()
def fuse_mount(tmp_path: Path) -> Iterator[Path]:
    bindfs = shutil.which("bindfs")
    if bindfs is None or not Path("/dev/fuse").exists() or os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("bindfs, /dev/fuse and root are needed for the real FUSE mount test")
        pytest.skip("no bindfs or /dev/fuse here (apt-get install bindfs)")
    source, mount = tmp_path / "source", tmp_path / "mount"
    source.mkdir()
    mount.mkdir()
    done = subprocess.run([bindfs, str(source), str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"bindfs could not mount: {done.stderr}")
    try:
        yield mount
    finally:
        subprocess.run(["fusermount", "-u", str(mount)], check=False, capture_output=True)
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


def test_a_real_fuse_mount_is_detected_and_the_store_works_there(fuse_mount: Path) -> None:
    db = fuse_mount / ".sheetsync" / "snapshots.db"
    found = shared_location(db)
    assert found is not None and "fuse" in found
    first = save(fuse_mount / "ActionPlan.xlsx", make_plan(), store=str(db))
    assert first.saved and first.note is not None and "server store" in first.note
    assert save(fuse_mount / "ActionPlan.xlsx", make_plan(update="Two."), store=str(db)).id == 2
    assert _journal(db) == "delete"
    assert snapshots.verify(store=db).ok


SHARED_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from store_backends import make_plan, save
from sheetsync.store import sqlite
from sheetsync.store.location import Platform
tag, count, db = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
shared = Platform(system="linux", mountinfo=lambda: f"1 1 0:1 / {{db.parent}} rw - cifs //srv/p rw\\n")
for i in range(count):
    with sqlite.open_repository(db, platform=shared) as repository:
        result = save(Path("/plans/ActionPlan.xlsx"), make_plan(update=f"{{tag}} {{i}}"), store=repository,
                      validation=None)
    print(result.id, flush=True)
"""


@pytest.mark.slow
def test_several_writers_on_a_share_wait_their_turn(tmp_path: Path) -> None:
    """Exclusive locking keeps locks until close: writers must not deadlock (each takes the lock before reading)."""
    import sys

    script = tmp_path / "child.py"
    script.write_text(SHARED_CHILD.format(tests=str(Path(__file__).parent)))
    db = tmp_path / "share" / "snapshots.db"
    children = [subprocess.Popen([sys.executable, str(script), tag, "8", str(db)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for tag in ("a", "b", "c", "d")]
    ids: list[int] = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        ids.extend(int(line) for line in out.split())
    assert sorted(ids) == list(range(1, 33))
    assert _journal(db) == "delete"
    result = snapshots.verify(store=db)
    assert result.ok and result.snapshots == 32, result.describe()
