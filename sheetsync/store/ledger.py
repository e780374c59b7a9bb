"""What a snapshot store does, on any backend: append a plan's snapshot, find one, rebuild its plan and workbook,
list a history, verify the whole store. Speaks only the `Repository` interface; takes the plan, the workbook's
bytes and the validation counts from its caller (it reads no workbook, validates nothing, diffs nothing).

Exact bytes and content: a workbook's zip members are kept uncompressed and deflated again on restore, so its
exact bytes depend on the zlib that does it. Since store schema 2 each snapshot also records the content hash of
every part (`packing.content_parts`) and the zlib that took it. A restore writes the exact bytes when this Python
rebuilds them; when its zlib deflates differently it writes the workbook with the same members, order and content
(every part checked), and says so. `verify` checks content by default, and rebuilds exact bytes only when `deep`.
"""

from __future__ import annotations

import getpass
import json
import platform
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sheetsync import __version__
from sheetsync.errors import ConfigError, SnapshotNotFoundError, StoreError
from sheetsync.model import Plan
from sheetsync.store import anchor, chain, packing
from sheetsync.store.repository import Blob, PlanRecord, Repository, SnapshotRow
from sheetsync.store.results import (
    ChainHead,
    Problem,
    SnapshotInfo,
    SnapshotResult,
    ValidationSummary,
    VerifyResult,
    plural,
)

BLOB_LEVEL = 6
MAX_ID = 2**63 - 1  # the largest id any backend stores (a signed 64-bit integer)

ForceOf = Callable[[], "str | None"]  # the force named in the workbook, read only when needed


# --- which plan a workbook is ---------------------------------------------------------------------------------


def plan_key(plan_path: str | Path, force: str | None) -> str:
    """The key a plan is kept under: file name without extension and force name, case-folded ('actionplan|kent')."""
    return f"{stem(plan_path)}|{_fold(force)}"


def stem(plan_path: str | Path) -> str:
    return Path(plan_path).stem.strip().casefold()


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def find_key(repo: Repository, path: Path, force_of: ForceOf | None) -> str | None:
    """The key of the plan this workbook is, from its file name; asks `force_of` only when the store holds the
    same file name for several forces."""
    keys = [plan.key for plan in repo.plans_named(stem(path))]
    if len(keys) <= 1:
        return keys[0] if keys else None
    if force_of is not None:
        key = plan_key(path, force_of())
        if key in keys:
            return key
    forces = ", ".join(repr(key.split("|", 1)[1]) for key in keys)
    raise StoreError(f"the store keeps {len(keys)} plans named {path.stem} (forces {forces}) and the workbook "
                     "does not say which it is", path=path, hint="Open the workbook and check the Force: cell")


# --- appending ------------------------------------------------------------------------------------------------


def save(repo: Repository, plan: Plan, workbook_bytes: bytes, *, source: Path, message: str | None = None,
         who: str | None = None, validation: ValidationSummary | None = None) -> SnapshotResult:
    """Append a snapshot of `plan` (read from `workbook_bytes`, the file at `source`) unless the plan's newest
    snapshot has the same content. `validation` None records "not validated"."""
    # Compact canonical JSON: the same content as canonical_json()'s default, written by json's C encoder (fast).
    canonical = plan.canonical_json(indent=None).encode("utf-8")
    plan_hash = chain.sha256(canonical)
    workbook_hash = chain.sha256(workbook_bytes)
    key = plan_key(source, plan.force)
    actions = len(plan.actions())

    def result(snapshot_id: int, *, saved: bool, **extra: Any) -> SnapshotResult:
        return SnapshotResult(id=snapshot_id, saved=saved, store=repo.location, plan_key=key, actions=actions,
                              validation=validation, plan_hash=plan_hash, workbook_hash=workbook_hash, **extra)

    latest = repo.latest(key)
    if latest is not None and latest.plan_hash == plan_hash:
        return result(latest.id, saved=False, previous_id=latest.id)
    # The slow part (chunking, compression) happens before the write lock is taken.
    plan_pack = packing.pack_text(canonical)
    book_pack = packing.pack_workbook(workbook_bytes)
    parts = _parts_manifest(book_pack)
    chunks = {chain.sha256(chunk): chunk for chunk in (*plan_pack.chunks, *book_pack.chunks)}
    present = repo.blob_ids(chunks)
    fresh = [Blob(digest, len(chunk), zlib.compress(chunk, BLOB_LEVEL))
             for digest, chunk in chunks.items() if digest not in present]
    with repo.append() as tx:
        latest = tx.latest(key)  # again, under the lock: another process may have just saved it
        if latest is not None and latest.plan_hash == plan_hash:
            return result(latest.id, saved=False, previous_id=latest.id)
        now = datetime.now(UTC).isoformat()
        note = None if latest is not None else _first_note(tx.plans_named(stem(source)), key, source, plan.force)
        tx.add_plan(PlanRecord(key, stem(source), source.name, plan.force, now))
        ids = {**present, **tx.add_blobs(fresh)}
        head = tx.head()
        row = SnapshotRow(
            id=head.id + 1 if head else 1, plan_key=key, created_at=now, who=who or _login(),
            machine=platform.node() or "unknown", version=__version__, message=message,
            source=str(source.absolute()), force=plan.force, actions=actions, plan_hash=plan_hash,
            plan_manifest=_manifest(plan_pack, ids), workbook_hash=workbook_hash, workbook_size=len(workbook_bytes),
            workbook_manifest=_manifest(book_pack, ids),
            validation=validation.model_dump_json() if validation else None,
            prev_hash=head.row_hash if head else chain.GENESIS, row_hash="", workbook_parts=parts)
        row = replace(row, row_hash=chain.row_hash(row.fields()))
        tx.add_snapshot(row)
    notes = [text for text in (note, repo.notice) if text]
    if repo.anchor is not None:
        failed = anchor.record(repo.anchor, row.id, row.row_hash, row.created_at)
        if failed:
            notes.append(failed)
    return result(row.id, saved=True, row_hash=row.row_hash, previous_id=latest.id if latest else None,
                  note="; ".join(notes) or None, chain_head=ChainHead(id=row.id, hash=row.row_hash))


def _first_note(others: Sequence[PlanRecord], key: str, path: Path, force: str | None) -> str | None:
    others = [plan for plan in others if plan.key != key]
    if not others:
        return None
    names = "; ".join(f"{plan.name} for {plan.force or 'no force'}" for plan in others)
    return (f"the first of {path.name} for {force or 'no force'}: the store also keeps {names} "
            "(a different force name starts a separate history)")


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


# --- finding and reading snapshots -------------------------------------------------------------------------------


def parse_id(snapshot_id: int | str) -> int | str:
    """A snapshot id (ASCII digits, within range) or "latest"; anything else is one clear line."""
    if isinstance(snapshot_id, int) and not isinstance(snapshot_id, bool):
        number = snapshot_id
    else:
        text = str(snapshot_id).strip().lstrip("#")
        if text.casefold() == "latest":
            return "latest"
        if text.casefold() == "current":
            raise SnapshotNotFoundError("'current' is the workbook as it is now, not a stored snapshot",
                                        hint="Give a snapshot id from 'sheetsync history', or 'latest'")
        if not (text.isascii() and text.isdigit()):
            raise SnapshotNotFoundError(f"{str(snapshot_id)!r} is not a snapshot id",
                                        hint="Use a number from 'sheetsync history' (digits 0-9), 'latest' or "
                                             "'current'")
        number = int(text)
    if not 0 < number <= MAX_ID:
        shown = str(snapshot_id).strip() if len(str(snapshot_id)) <= 40 else f"{str(snapshot_id)[:40]}…"
        raise SnapshotNotFoundError(f"there is no snapshot {shown} (snapshot ids run from 1 up)",
                                    hint="'sheetsync history' lists this plan's snapshots")
    return number


def check_id(head_hash: str) -> str:
    """A --head value: a snapshot hash, or at least its first 16 hex digits."""
    text = head_hash.strip().casefold()
    if len(text) < 16 or len(text) > 64 or any(c not in "0123456789abcdef" for c in text):
        raise ConfigError(f"{head_hash!r} is not a chain head hash",
                          hint="Give the 64-character hash 'sheetsync snapshot' printed as the chain head (at least "
                               "its first 16 characters)")
    return text


def find_snapshot(repo: Repository, path: Path, snapshot_id: int | str, force_of: ForceOf | None) -> SnapshotRow:
    """The snapshot of this plan, checked against its own hash and its link in the chain before it is used."""
    wanted = parse_id(snapshot_id)
    key = find_key(repo, path, force_of)
    if key is None:
        raise SnapshotNotFoundError("has no snapshots in this store", path=path,
                                    hint="Take one with 'sheetsync snapshot', or name the store with --store")
    if wanted == "latest":
        row = next(repo.snapshots(key, newest_first=True), None)
        if row is None:
            raise SnapshotNotFoundError("has no snapshots in this store", path=path)
    else:
        assert isinstance(wanted, int)
        found = repo.snapshot(wanted)
        if found is None:
            raise SnapshotNotFoundError(f"snapshot {wanted} is not in the store", path=path,
                                        hint="'sheetsync history' lists this plan's snapshots")
        row = found
        if row.plan_key != key:
            raise SnapshotNotFoundError(f"snapshot {wanted} is of another plan ({row.source})", path=path,
                                        hint="'sheetsync history' lists this plan's snapshots")
    check_row(repo, row)
    return row


def check_row(repo: Repository, row: SnapshotRow) -> None:
    """Refuse a row whose fields no longer match its hash, or that does not follow the snapshot before it."""
    if not chain.is_sealed(row):
        raise StoreError(f"snapshot {row.id}'s fields were altered after it was saved (they no longer match its "
                         "hash), so it was not used", path=repo.location, hint="Run 'sheetsync verify' for details")
    before = repo.snapshot(row.id - 1) if row.id > 1 else None
    expected = before.row_hash if before is not None else chain.GENESIS
    if row.prev_hash != expected:
        what = f"snapshot {row.id - 1}" if before is not None else (
            "the start of the chain" if row.id == 1 else f"snapshot {row.id - 1}, which is missing")
        raise StoreError(f"snapshot {row.id} does not follow {what} in the hash chain (a snapshot was removed, "
                         "reordered or altered), so it was not used", path=repo.location,
                         hint="Run 'sheetsync verify' for details")


def newest_two(repo: Repository, key: str | None) -> list[SnapshotRow]:
    rows: list[SnapshotRow] = []
    if key is not None:
        for row in repo.snapshots(key, newest_first=True):
            rows.append(row)
            if len(rows) == 2:
                break
    return rows


def plan_of(repo: Repository, row: SnapshotRow, source: Path | None = None) -> Plan:
    """The plan a (checked) snapshot holds."""
    plan = Plan.from_canonical(_content(repo, row, row.plan_manifest, row.plan_hash, "plan JSON").decode("utf-8"))
    plan.source = str(source) if source is not None else row.source
    return plan


def info(row: SnapshotRow) -> SnapshotInfo:
    return SnapshotInfo(
        id=row.id, plan_key=row.plan_key, created_at=datetime.fromisoformat(row.created_at), who=row.who,
        machine=row.machine, version=row.version, message=row.message, source=row.source, force=row.force,
        actions=row.actions, plan_hash=row.plan_hash, workbook_hash=row.workbook_hash,
        workbook_size=row.workbook_size,
        validation=ValidationSummary.model_validate_json(row.validation) if row.validation else None)


def chain_head(repo: Repository) -> ChainHead | None:
    head = repo.head()
    return ChainHead(id=head.id, hash=head.row_hash) if head is not None else None


# --- chunks and manifests ---------------------------------------------------------------------------------------


def _manifest(packed: packing.Packed, ids: Mapping[str, int]) -> bytes:
    mapping = {index: ids[chain.sha256(chunk)] for index, chunk in enumerate(packed.chunks)}
    body = {"v": 1, "zlib": zlib.ZLIB_RUNTIME_VERSION, "segments": packing.remap(packed.segments, mapping)}
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("ascii"), 9)


def _segments(manifest: bytes) -> list[packing.Segment]:
    segments: list[packing.Segment] = json.loads(zlib.decompress(manifest))["segments"]
    return segments


def _fetch(repo: Repository, manifest: bytes) -> tuple[list[packing.Segment], dict[int, bytes]]:
    segments = _segments(manifest)
    stored = repo.blobs(packing.refs(segments))
    return segments, {blob_id: zlib.decompress(data) for blob_id, data in stored.items()}


def _content(repo: Repository, row: SnapshotRow, manifest: bytes, digest: str, what: str) -> bytes:
    try:
        segments, contents = _fetch(repo, manifest)
        data = packing.unpack(segments, contents)
    except (KeyError, ValueError, TypeError, zlib.error) as exc:
        raise StoreError(f"snapshot {row.id}'s {what} refers to missing or damaged chunks",
                         hint="Run 'sheetsync verify' for details") from exc
    if chain.sha256(data) != digest:
        raise StoreError(f"snapshot {row.id}'s {what} does not match its recorded hash",
                         hint="Run 'sheetsync verify' for details")
    return data


def _parts_manifest(packed: packing.Packed) -> bytes:
    body = {"v": 1, "zlib": packing.zlib_params(), "parts": packing.content_parts(packed)}
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("utf-8"), 9)


def _parts_of(row: SnapshotRow) -> dict[str, Any] | None:
    """The snapshot's part hashes and zlib (None: taken before store schema 2)."""
    if row.workbook_parts is None:
        return None
    body: dict[str, Any] = json.loads(zlib.decompress(row.workbook_parts))
    if not isinstance(body.get("parts"), list):
        raise ValueError("no parts in the parts manifest")
    return body


def _failed_parts(failures: list[str]) -> str:
    shown = ", ".join(failures[:5]) + (f" and {len(failures) - 5} more" if len(failures) > 5 else "")
    return (f"workbook is damaged or was altered: {shown} {'does' if len(failures) == 1 else 'do'} not match "
            "the recorded content hash")


@dataclass
class Rebuilt:
    data: bytes | None = None
    exact: bool = False
    problem: str | None = None  # damage or tampering (the content, or the exact bytes when nothing else proves it)
    note: str | None = None  # the content is verified but the exact bytes could not be rebuilt here
    content_ok: bool = False  # every part's content verified (a `problem` then is not damage: restore cannot write it)
    zlib_then: str | None = None
    parts_checked: int = 0


def rebuild_workbook(repo: Repository, row: SnapshotRow) -> Rebuilt:
    """A (checked) snapshot's workbook: see `_rebuild`."""
    try:
        segments, contents = _fetch(repo, row.workbook_manifest)
    except (KeyError, ValueError, TypeError, zlib.error):
        return Rebuilt(problem="workbook refers to missing or damaged chunks")
    return _rebuild(row, segments, contents)


def _rebuild(row: SnapshotRow, segments: list[packing.Segment], contents: Mapping[int, bytes], *,
             cache: dict[tuple[int, ...], str] | None = None) -> Rebuilt:
    """The snapshot's workbook: its exact bytes when this zlib rebuilds them, else (part hashes recorded and every
    part's content verified) the content-identical zip; else a problem saying what failed."""
    try:
        parts = _parts_of(row)
        zlib_then = (parts["zlib"].get("runtime") if parts is not None else
                     json.loads(zlib.decompress(row.workbook_manifest)).get("zlib"))
        built = packing.pieces(segments, contents)
    except (KeyError, ValueError, TypeError, AttributeError, zlib.error):
        return Rebuilt(problem="workbook refers to missing or damaged chunks")
    data = b"".join(built)
    here = zlib.ZLIB_RUNTIME_VERSION
    if chain.sha256(data) == row.workbook_hash:
        return Rebuilt(data=data, exact=True, zlib_then=zlib_then)
    if parts is None:
        why = (f"; it was stored with zlib {zlib_then} and this Python has zlib {here}, which may deflate "
               "differently (it was taken before sheetsync recorded content hashes, so only a Python with that "
               "zlib can check it)" if zlib_then != here else "")
        return Rebuilt(problem=f"workbook does not match its recorded hash{why}", zlib_then=zlib_then)
    failures = packing.part_failures(segments, contents, parts["parts"], cache)
    if failures:
        return Rebuilt(problem=_failed_parts(failures), zlib_then=zlib_then)
    if not chain.is_sealed(row):  # the part hashes are the proof now: they must be the ones recorded
        return Rebuilt(problem="fields were altered after it was saved (they no longer match its hash)",
                       zlib_then=zlib_then)
    try:
        relinked = packing.relink(segments, built, parts["parts"])
    except ValueError as exc:
        return Rebuilt(problem=f"workbook's content is intact (every part checked) but this Python's zlib ({here}) "
                               f"deflates differently from the one that took it ({zlib_then}) and its zip could "
                               f"not be re-linked ({exc}); restore it with a Python that has zlib {zlib_then}",
                       zlib_then=zlib_then, content_ok=True)
    differs = (f"differs from the one that took the snapshot ({zlib_then})" if zlib_then != here else
               f"deflates differently from the one that took the snapshot (also reporting {zlib_then})")
    note = ("contents identical to what was snapshotted (every part checked); the file's compressed bytes differ "
            f"because this Python's zlib ({here}) {differs}")
    return Rebuilt(data=relinked, exact=False, note=note, zlib_then=zlib_then, parts_checked=len(parts["parts"]))


# --- verifying the whole store -------------------------------------------------------------------------------------


def verify(repo: Repository, *, deep: bool = False, plan_key: str | None = None,
           heads: Iterable[str] = ()) -> VerifyResult:
    """Check the whole store: the hash chain, every row's hash, every chunk's hash, every plan's hash, every
    workbook's content; every head in the head log beside the store, and every head hash in `heads`, must still
    be in the chain (so nothing up to them was removed or rewritten).

    A workbook's content is every part's recorded SHA-256, which proves it intact whatever zlib this Python has,
    and costs no deflating. `deep` also rebuilds every workbook's exact bytes; where this zlib deflates differently
    but the content is verified, that is a note, not a problem. Snapshots from before store schema 2 have no part
    hashes: their exact bytes are always rebuilt, as the only proof there is.
    """
    wanted_heads = [check_id(head) for head in heads]
    result = VerifyResult(store=repo.location, deep=deep)
    contents: dict[int, bytes] = {}
    for blob in repo.all_blobs():
        try:
            content = zlib.decompress(blob.data)
        except (zlib.error, TypeError):
            result.problems.append(Problem(blob_id=blob.id, message="its data cannot be decompressed"))
            continue
        if chain.sha256(content) != blob.hash or len(content) != blob.size:
            result.problems.append(Problem(blob_id=blob.id, message="its content does not match its hash"))
        contents[blob.id] = content
    plans: set[str] = set()
    hashes: dict[int, str] = {}
    cache: dict[tuple[int, ...], str] = {}
    rows: list[SnapshotRow] = []
    for row in repo.snapshots():
        rows.append(row)
        plans.add(row.plan_key)
        hashes[row.id] = row.row_hash
    result.snapshots, result.plans = len(rows), len(plans)
    result.problems.extend(Problem(snapshot_id=p.snapshot_id, message=p.message) for p in chain.verify_chain(rows))
    for row in rows:
        result.problems.extend(_check_contents(row, contents, cache, deep, result.notes))
    if rows:
        result.head_id, result.head_hash = rows[-1].id, rows[-1].row_hash
    if plan_key is not None:
        result.plan_snapshots = sum(1 for row in rows if row.plan_key == plan_key)
    result.problems.extend(_check_anchors(repo, hashes, wanted_heads, result))
    result.problems.sort(key=lambda p: (p.snapshot_id is None and p.blob_id is None, p.snapshot_id or 0))
    return result


def _check_contents(row: SnapshotRow, contents: Mapping[int, bytes], cache: dict[tuple[int, ...], str], deep: bool,
                    notes: list[Problem]) -> list[Problem]:
    sid = row.id
    problems = []
    try:
        ok = chain.sha256(packing.unpack(_segments(row.plan_manifest), contents)) == row.plan_hash
    except (KeyError, ValueError, TypeError, zlib.error):
        problems.append(Problem(snapshot_id=sid, message="its plan JSON refers to missing or unreadable chunks"))
    else:
        if not ok:
            problems.append(Problem(snapshot_id=sid, message="its plan JSON does not match its hash"))
    try:
        segments = _segments(row.workbook_manifest)
        parts = _parts_of(row)
    except (KeyError, ValueError, TypeError, zlib.error):
        return [*problems, Problem(snapshot_id=sid, message="its workbook manifest is unreadable")]
    if parts is not None and not deep:
        failures = packing.part_failures(segments, contents, parts["parts"], cache)
        if failures:
            problems.append(Problem(snapshot_id=sid, message=_failed_parts(failures)))
        return problems
    rebuilt = _rebuild(row, segments, contents, cache=cache)
    if rebuilt.problem is not None and rebuilt.content_ok:  # intact, but restore here cannot write it
        notes.append(Problem(snapshot_id=sid, message=rebuilt.problem))
    elif rebuilt.problem is not None:
        problems.append(Problem(snapshot_id=sid, message=f"its {rebuilt.problem}"))
    elif rebuilt.note is not None:
        notes.append(Problem(snapshot_id=sid, message=rebuilt.note))
    return problems


def _check_anchors(repo: Repository, hashes: Mapping[int, str], wanted: Sequence[str],
                   result: VerifyResult) -> list[Problem]:
    problems = []
    for head in wanted:
        if any(chain.matches(value, head) for value in hashes.values()):
            result.anchors_checked += 1
        else:
            problems.append(Problem(message=(
                f"the chain head you gave ({head[:16]}…) is not in the chain: the snapshot it names was removed, or "
                "the chain up to it was rewritten")))
    if repo.anchor is None:
        return problems
    logged, bad = anchor.read(repo.anchor)
    missing = [head for head in logged if hashes.get(head.id) != head.hash]
    result.anchors_checked += len(logged) - len(missing)
    if missing:
        first = missing[0]
        now = hashes.get(first.id)
        what = "no longer holds it" if now is None else "now holds another snapshot under that id"
        more = f" ({plural(len(missing), 'recorded head')} in all)" if len(missing) > 1 else ""
        problems.append(Problem(snapshot_id=first.id, message=(
            f"the head log {repo.anchor.name} recorded it with hash {first.hash[:16]}…, but the store {what}: "
            f"snapshots were removed or the chain was rewritten{more}")))
    if bad:
        problems.append(Problem(message=f"the head log {repo.anchor.name} was edited: line {bad[0]} is not a head "
                                        f"({plural(len(bad), 'line')} in all)"))
    return problems


__all__ = ["MAX_ID", "Rebuilt", "chain_head", "check_id", "check_row", "find_key", "find_snapshot", "info",
           "newest_two", "parse_id", "plan_key", "plan_of", "rebuild_workbook", "save", "stem", "verify"]
