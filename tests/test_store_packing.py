"""Packing workbooks into chunks, the hash chain's pure logic, and restoring on another zlib."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pytest
from cli_run import invoke
from hypothesis import given, settings
from hypothesis import strategies as st
from store_backends import fake_workbook, make_plan, save
from test_store_sqlite import as_schema_1, db_of, three_snapshots

from sheetsync import snapshots
from sheetsync.errors import StoreError
from sheetsync.store import chain, packing, sqlite
from sheetsync.store.results import Problem, VerifyResult


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(snapshots.STORE_ENV, raising=False)
    monkeypatch.setenv(sqlite.TIMEOUT_ENV, "5")


# --- the chain ----------------------------------------------------------------------------------------------------


def _rows(count: int) -> list[dict[str, object]]:
    return chain.relink({"id": i, "message": f"m{i}", "workbook_parts": None} for i in range(1, count + 1))


class _Row:
    def __init__(self, fields: dict[str, object]) -> None:
        self._fields = fields
        self.id = int(fields["id"])  # type: ignore[call-overload]
        self.prev_hash = str(fields["prev_hash"])
        self.row_hash = str(fields["row_hash"])

    def fields(self) -> dict[str, object]:
        return self._fields


def test_chain_verifies_and_names_each_break() -> None:
    rows = _rows(4)
    assert list(chain.verify_chain(_Row(row) for row in rows)) == []
    assert rows[0]["prev_hash"] == chain.GENESIS and rows[1]["prev_hash"] == rows[0]["row_hash"]
    edited = [dict(row) for row in rows]
    edited[1]["message"] = "edited"
    assert [(p.snapshot_id, "altered" in p.message) for p in chain.verify_chain(_Row(r) for r in edited)] == [
        (2, True)]
    dropped = [rows[0], rows[2], rows[3]]
    assert [(p.snapshot_id, "broken" in p.message) for p in chain.verify_chain(_Row(r) for r in dropped)] == [
        (3, True)]
    # Relinking makes any sequence verify: why the chain needs an anchor outside the store.
    assert list(chain.verify_chain(_Row(r) for r in chain.relink(edited))) == []


def test_row_hash_covers_every_field_and_bytes_by_their_hash() -> None:
    fields = {name: f"v-{name}" for name in chain.HASHED}
    base = chain.row_hash(fields)
    for name in chain.HASHED:
        assert chain.row_hash({**fields, name: "other"}) != base, name
    assert chain.row_hash({**fields, "row_hash": "ignored"}) == base
    assert chain.row_hash({**fields, "plan_manifest": b"abc"}) == chain.row_hash(
        {**fields, "plan_manifest": f"sha256:{hashlib.sha256(b'abc').hexdigest()}"})
    assert chain.row_hash({**fields, "workbook_parts": None}) == chain.row_hash(
        {k: v for k, v in fields.items() if k != "workbook_parts"})


def test_head_prefixes_must_be_long_enough() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    assert chain.matches(digest, digest[:16].upper())
    assert not chain.matches(digest, digest[:15])
    assert not chain.matches(digest, "0" * 16)


# --- packing ------------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=5000), st.sampled_from([b"\n", b"}", b">", b"ab"]))
def test_cut_is_lossless(data: bytes, sep: bytes) -> None:
    chunks = packing.cut(data, sep)
    assert b"".join(chunks) == data
    assert all(chunks)


def test_pack_workbook_rebuilds_exact_bytes() -> None:
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w") as archive:
        archive.writestr("a.xml", "<row>1</row>" * 400, compress_type=zipfile.ZIP_STORED)
        archive.writestr("b.xml", "<si>x</si>" * 400, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        archive.writestr("c.bin", os.urandom(3000), compress_type=zipfile.ZIP_DEFLATED)
    for data in (fake_workbook(make_plan(60)), stored.getvalue(), b"not a zip at all", stored.getvalue()[:-40],
                 b"PK\x03\x04" + os.urandom(200), b""):
        packed = packing.pack_workbook(data)
        assert packing.unpack(packed.segments, packed.chunks_by_ref()) == data
    kinds = [segment[0] for segment in packing.pack_workbook(stored.getvalue()).segments]
    assert "d" in kinds and "c" in kinds



# --- another zlib: content proven by part hashes, exact bytes only where this zlib can rebuild them -----------------


def other_zlib(monkeypatch: pytest.MonkeyPatch, version: str | None = "1.3.1.zlib-ng") -> None:
    """This Python 'has another zlib': restore deflates to different (valid) bytes, and reports another version."""

    def deflate(plain: bytes, level: int) -> bytes:
        deflater = zlib.compressobj(1 if level != 1 else 9, zlib.DEFLATED, -15, 9, zlib.Z_FILTERED)
        return deflater.compress(plain) + deflater.flush()

    monkeypatch.setattr(packing, "deflate", deflate)
    if version is not None:
        monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", version)


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _odd_zip() -> bytes:
    """Stored and deflated members, member and archive comments, and (written to a stream that cannot seek) data
    descriptors after every member."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, data: object) -> int:
            chunk = bytes(data)  # type: ignore[call-overload]
            self.buffer += chunk
            return len(chunk)

    for stream in (io.BytesIO(), Unseekable()):
        with zipfile.ZipFile(stream, "w") as archive:
            archive.comment = b"archive comment"
            archive.writestr("[Content_Types].xml", "<Types>" + "<Default/>" * 300 + "</Types>",
                             compress_type=zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2024, 11, 5, 10, 30, 0))
            info.comment = b"member comment"
            archive.writestr(info, "".join(f"<row r='{i}'><c>{i * 7}</c></row>" for i in range(2000)),
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
            archive.writestr("stored.xml", "<si>x</si>" * 100, compress_type=zipfile.ZIP_STORED)
            archive.writestr("empty.xml", "", compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>text</t></si>" * 500 + "</sst>",
                             compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        if isinstance(stream, Unseekable):
            return bytes(stream.buffer)
    raise AssertionError("unreachable")


def test_relink_gives_the_same_zip_with_another_zlibs_deflate(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _odd_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())  # data descriptors
    for original in (data, fake_workbook(make_plan(60))):
        packed = packing.pack_workbook(original)
        parts = packing.content_parts(packed)
        assert sum(1 for segment in packed.segments if segment[0] == "d") >= 2
        with monkeypatch.context() as patch:
            other_zlib(patch, None)
            built = packing.pieces(packed.segments, packed.chunks_by_ref())
            assert b"".join(built) != original
            relinked = packing.relink(packed.segments, built, parts)
        assert relinked != original
        assert members(relinked) == members(original)
        with zipfile.ZipFile(io.BytesIO(relinked)) as new, zipfile.ZipFile(io.BytesIO(original)) as old:
            assert new.comment == old.comment
            for a, b in zip(new.infolist(), old.infolist(), strict=True):
                assert (a.filename, a.date_time, a.comment, a.CRC, a.file_size, a.compress_type, a.flag_bits) == (
                    b.filename, b.date_time, b.comment, b.CRC, b.file_size, b.compress_type, b.flag_bits)
        assert packing.part_failures(packed.segments, packed.chunks_by_ref(), parts) == []


def test_part_failures_name_the_damaged_member() -> None:
    packed = packing.pack_workbook(_odd_zip())
    parts = packing.content_parts(packed)
    index = next(i for i, part in enumerate(parts) if part[1] == "xl/worksheets/sheet1.xml")
    chunks = packed.chunks_by_ref()
    ref = packing.refs([packed.segments[parts[index][0]]])[0]
    chunks[ref] = chunks[ref].replace(b"<c>", b"<c>9", 1)
    assert packing.part_failures(packed.segments, chunks, parts) == ["part xl/worksheets/sheet1.xml"]
    del chunks[ref]
    assert packing.part_failures(packed.segments, chunks, parts) == ["part xl/worksheets/sheet1.xml (missing chunks)"]


def _tamper_chunk_of(db: Path, member_text: bytes) -> int:
    """Edit the largest chunk holding `member_text` and redo its hash (a careful tamperer); its blob id."""
    import hashlib

    with sqlite3.connect(db) as conn:
        for blob_id, data in conn.execute("SELECT id, data FROM blobs ORDER BY size DESC").fetchall():
            content = zlib.decompress(data)
            if member_text in content:
                content = content.replace(member_text, member_text.upper(), 1)
                conn.execute("UPDATE blobs SET data = ?, hash = ? WHERE id = ?",
                             (zlib.compress(content), hashlib.sha256(content).hexdigest(), blob_id))
                return int(blob_id)
    raise AssertionError(f"no chunk holds {member_text!r}")


def test_another_zlib_restores_identical_contents_and_verify_notes_it(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:

    path = tmp_path / "ActionPlan.xlsx"
    plan = make_plan(30)
    data = fake_workbook(plan)
    snapshots.snapshot_plan(plan, data, source=path)
    taken_with = zlib.ZLIB_RUNTIME_VERSION
    other_zlib(monkeypatch)

    result = snapshots.restore_snapshot(path, 1, output=tmp_path / "restored.xlsx")
    assert not result.exact and result.parts_checked == 2
    assert result.note == (
        "restored snapshot 1: contents identical to what was snapshotted (every part checked); the file's "
        f"compressed bytes differ because this Python's zlib (1.3.1.zlib-ng) differs from the one that took the "
        f"snapshot ({taken_with})")
    assert result.describe() == f"wrote {result.path}\n{result.note}"
    restored = result.path.read_bytes()
    assert restored != data and members(restored) == members(data)
    assert snapshots.restore(path, 1, output=tmp_path / "again.xlsx").read_bytes() == restored  # the Path API too

    checked = snapshots.verify(path)  # content, part by part: no deflating, nothing to note
    assert checked.ok and not checked.notes, checked.describe()
    deep = snapshots.verify(path, deep=True)
    assert deep.ok and deep.deep, deep.describe()
    assert [note.snapshot_id for note in deep.notes] == [1]
    assert "note: snapshot 1: contents identical" in deep.describe()
    assert "zlib (1.3.1.zlib-ng) differs" in deep.describe()

    # The same zlib version string, another build (e.g. a SIMD zlib): still content-identical, worded for it.
    monkeypatch.setattr(zlib, "ZLIB_RUNTIME_VERSION", taken_with)
    same = snapshots.restore_snapshot(path, 1, output=tmp_path / "same.xlsx")
    assert not same.exact and same.note is not None and "deflates differently" in same.note

    # A real tamper still fails, by default and with --deep, and restore refuses naming the part.
    _tamper_chunk_of(db_of(path), b'"Evidence 2.1",\n')  # the member, not the JSON
    for deep_check in (False, True):
        bad = snapshots.verify(path, deep=deep_check)
        assert not bad.ok
        assert any(p.snapshot_id == 1 and "part plan.json" in p.message and "damaged or was altered" in p.message
                   for p in bad.problems), bad.describe()
    with pytest.raises(StoreError, match=r"snapshot 1's workbook is damaged or was altered: part plan\.json does "
                                         r"not match.*not restored"):
        snapshots.restore_snapshot(path, 1, output=tmp_path / "refused.xlsx")
    assert not (tmp_path / "refused.xlsx").exists()


def test_verify_checks_content_without_deflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = three_snapshots(tmp_path)

    def no_deflate(plain: bytes, level: int) -> bytes:
        raise AssertionError("verify deflated")

    monkeypatch.setattr(packing, "deflate", no_deflate)
    result = snapshots.verify(path)
    assert result.ok and result.snapshots == 3 and not result.deep, result.describe()
    assert "content verified part by part" in result.describe()
    with pytest.raises(AssertionError, match="verify deflated"):
        snapshots.verify(path, deep=True)


def test_a_store_from_before_part_hashes_upgrades_and_keeps_working(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path, db = three_snapshots(tmp_path)
    original = fake_workbook(make_plan(update="One."))
    as_schema_1(db)
    result = snapshots.verify(path)  # opening it migrates it
    assert result.ok and result.snapshots == 3, result.describe()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(sqlite.MIGRATIONS) == 3
        assert conn.execute("SELECT count(*) FROM snapshots WHERE workbook_parts IS NULL").fetchone()[0] == 3
    restored = snapshots.restore_snapshot(path, 1, output=tmp_path / "old.xlsx")
    assert restored.exact and restored.path.read_bytes() == original
    fourth = save(path, make_plan(update="Four."))
    assert fourth.id == 4
    assert snapshots.verify(path).ok and snapshots.verify(path, deep=True).ok

    # On another zlib the old snapshots behave as before (their exact bytes are the only proof); the new one does not.
    other_zlib(monkeypatch)
    with pytest.raises(StoreError, match=r"does not match its recorded hash; it was stored with zlib .* "
                                         r"1\.3\.1\.zlib-ng"):
        snapshots.restore(path, 1, output=tmp_path / "refused.xlsx")
    assert not snapshots.restore_snapshot(path, 4, output=tmp_path / "new.xlsx").exact
    result = snapshots.verify(path)
    assert {p.snapshot_id for p in result.problems} == {1, 2, 3}, result.describe()
    assert "taken before sheetsync recorded content hashes" in result.describe()


def test_cli_restore_and_verify_on_another_zlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = pytest.importorskip("sheetsync.template", reason="the CLI tests write workbooks with the template")
    reader = pytest.importorskip("sheetsync.reader", reason="sheetsync.reader is not written yet")

    path = tmp_path / "ActionPlan.xlsx"
    template.write_plan_workbook(make_plan(30), path)
    original = path.read_bytes()
    assert invoke(["snapshot", str(path)]).exit_code == 0
    other_zlib(monkeypatch)

    out = tmp_path / "restored.xlsx"
    result = invoke(["restore", str(path), "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("restored snapshot 1: contents identical to what was "
                                                    "snapshotted (every part checked)")
    assert out.read_bytes() != original and members(out.read_bytes()) == members(original)
    assert reader.read_plan(out).canonical_json() == reader.read_plan(
        path).canonical_json()

    result = invoke(["verify", str(path)])
    assert result.exit_code == 0 and "note:" not in result.output, result.output
    result = invoke(["verify", str(path), "--deep"])
    assert result.exit_code == 0 and "note: snapshot 1: contents identical" in result.output, result.output
    assert json.loads(invoke(["verify", str(path), "--deep", "--json"]).output)["notes"]

    _tamper_chunk_of(db_of(path), b"<t>Evidence 1.1</t>")
    for args in (["verify", str(path)], ["verify", str(path), "--deep"]):
        result = invoke(args)
        assert result.exit_code == 1 and "damaged or was altered: part xl/" in result.output, result.output
    result = invoke(["restore", str(path), "1", "-o", str(tmp_path / "no.xlsx")])
    assert result.exit_code == 2 and "damaged or was altered: part xl/" in result.output, result.output


def test_a_zip_that_cannot_be_relinked_is_refused_by_restore_but_not_called_damage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ActionPlan.xlsx"
    save(path, make_plan())
    other_zlib(monkeypatch)

    def cannot(*args: object) -> bytes:
        raise ValueError("a zip64 archive")

    monkeypatch.setattr(packing, "relink", cannot)
    with pytest.raises(StoreError, match=r"content is intact \(every part checked\).*a zip64 archive.*restore it "
                                         r"with a Python that has zlib"):
        snapshots.restore_snapshot(path, 1, output=tmp_path / "out.xlsx")
    result = snapshots.verify(path, deep=True)
    assert result.ok and "a zip64 archive" in result.notes[0].message, result.describe()


def test_verify_groups_the_same_note_over_many_snapshots() -> None:
    notes = [Problem(snapshot_id=sid, message="bytes differ") for sid in (1, 2, 3, 5, 7, 8)]
    result = VerifyResult(store="s.db", snapshots=8, plans=1, notes=notes)
    assert result.ok
    assert result.describe().splitlines()[1] == "  note: snapshots 1-3, 5, 7-8 (6): bytes differ"
