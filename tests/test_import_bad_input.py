"""Anything that is not a plan gets one clear line, in bounded time: junk, empty, pictures, PDFs, huge files,
zip bombs, narrative pages. Text in cp1252 and UTF-16 is decoded correctly."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from sheetsync.errors import NoPlanFoundError, SheetsyncError, UnreadableFileError, UnsupportedFormatError
from sheetsync.importers import import_plan
from sheetsync.importers.common import decode_text

GRID = ("Force:\tEastvale Police\n"
        "Rec. No.\tRecommendation:\tEvidence requirements of progress/completion:\tRecommendation Owner:\t"
        "Force Update:\tDate\tStatus\n"
        "10\tBy 27 March 2025, review training.\t10.1\tMeets the learning outcomes – in full.\t"
        "Zoë Brontë\tCourse “Stalking 101” live.\t\tAction Complete\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_encodings_are_decoded(encoding: str) -> None:
    plan, _ = import_plan(GRID.encode(encoding))
    action = plan.actions()[0][1]
    assert action.owner == "Zoë Brontë" and action.update == "Course “Stalking 101” live."
    assert action.evidence == "Meets the learning outcomes – in full."


def test_decode_rules_are_deterministic() -> None:
    assert decode_text("café".encode("cp1252")) == ("café", "cp1252")
    assert decode_text("café".encode())[1] == "utf-8"
    assert decode_text(b"\xef\xbb\xbfx")[1] == "utf-8-sig"


@pytest.mark.parametrize(("data", "error", "words"), [
    (b"", UnreadableFileError, "empty"),
    (b"   \n\n\t  \n", UnreadableFileError, "empty"),
    (bytes(range(256)) * 40, UnsupportedFormatError, "binary"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, UnsupportedFormatError, "picture"),
    (b"\xff\xd8\xff\xe0" + b"\x10" * 200, UnsupportedFormatError, "picture"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", UnsupportedFormatError, "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, UnsupportedFormatError, "old-style Office"),
    (b"Our response to stalking.\nRecommendation received in 2024. Our current process is to review cases.\n",
     NoPlanFoundError, "sheetsync imports"),
])
def test_junk_is_refused_with_one_clear_line(data: bytes, error: type[SheetsyncError], words: str) -> None:
    with pytest.raises(error) as info:
        import_plan(data)
    message = str(info.value)
    assert words in message and "\n" not in message


def test_zip_that_is_neither_word_nor_excel(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(UnsupportedFormatError, match="neither a Word document nor an Excel workbook"):
        import_plan(buffer.getvalue())


def test_misnamed_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_text("not really a Word file", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="not a zip package"):
        import_plan(path)


@pytest.mark.parametrize("member", ["word/document.xml", "xl/workbook.xml"])
def test_zip_bomb_is_refused_before_opening(tmp_path: Path, member: str) -> None:
    path = tmp_path / ("bomb.docx" if member.startswith("word") else "bomb.xlsx")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, b"<" + b" " * (40 * 1024 * 1024) + b"/>")  # 40 MB of spaces: ratio ~1000
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        import_plan(path)
    assert time.perf_counter() - started < 5


def test_file_over_the_text_limit_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(GRID.encode())
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse): the limit is checked before anything is parsed
    started = time.perf_counter()
    with pytest.raises(UnreadableFileError, match="over the 20 MB limit"):
        import_plan(path)
    assert time.perf_counter() - started < 5


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="not found"):
        import_plan(tmp_path / "nope.txt")
    with pytest.raises(UnsupportedFormatError, match="pdf"):
        import_plan(GRID, format="pdf")


def test_forced_format_that_does_not_fit_is_refused() -> None:
    with pytest.raises(NoPlanFoundError):
        import_plan("just a sentence\nand another", format="markdown")


@pytest.mark.parametrize("member", ["word/document.xml", "xl/workbook.xml"])
def test_damaged_office_package_is_refused(member: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<not-closed")
    with pytest.raises(SheetsyncError) as info:
        import_plan(buffer.getvalue())
    assert "\n" not in str(info.value)
