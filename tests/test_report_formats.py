"""The writers' registry and issue 17 §4's report items: the suffix must match the format, Word's real dates,
no NUL or ESC in HTML and Markdown."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.errors import ConfigError, OutputWriteError
from sheetsync.report import FORMATS, WRITERS, render_report, writer_for

AS_OF = date(2025, 4, 10)


def test_the_registry_declares_every_format_once() -> None:
    assert FORMATS == ("docx", "xlsx", "html", "md")
    assert len({w.format for w in WRITERS}) == len(WRITERS)
    suffixes = [s for w in WRITERS for s in w.suffixes]
    assert len(set(suffixes)) == len(suffixes) and all(s.startswith(".") for s in suffixes)
    assert [w.format for w in WRITERS if not w.needs_chart] == ["md"]
    with pytest.raises(ConfigError, match=r"'pdf' is not a report format.*docx, xlsx, html, md"):
        writer_for("pdf")


def test_the_cli_offers_the_registrys_formats() -> None:
    result = invoke(["report", "--help"])
    assert "[docx|xlsx|html|md]" in result.output


@pytest.mark.parametrize(("fmt", "name"), [("html", "out.docx"), ("docx", "out.html"), ("md", "out.xlsx"),
                                           ("xlsx", "out"), ("md", "out.txt")])
def test_an_output_suffix_of_another_format_is_refused_in_one_line(tmp_path: Path, fmt: str, name: str) -> None:
    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    result = invoke(["report", str(plan), "--format", fmt, "-o", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"format {fmt} writes" in lines[0] and "Name the output" in lines[0]
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("name", ["out.htm", "out.HTML"])
def test_the_formats_other_suffixes_are_accepted(tmp_path: Path, name: str) -> None:
    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    render_report(plan, format="html", output=tmp_path / name, as_of=AS_OF)
    assert (tmp_path / name).exists()


def test_word_outputs_carry_their_real_dates(tmp_path: Path) -> None:
    from docx import Document

    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    before = datetime.now(UTC).replace(microsecond=0, tzinfo=None) - timedelta(seconds=1)
    out = render_report(plan, format="docx", output=tmp_path / "r.docx", as_of=AS_OF).output
    props = Document(str(out)).core_properties
    after = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    for stamp in (props.created, props.modified):
        assert stamp is not None
        assert before <= stamp.replace(tzinfo=None) <= after, stamp
    core = zipfile.ZipFile(out).read("docProps/core.xml").decode()
    assert "2013-12-23" not in core


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_html_and_markdown_drop_nul_and_esc(tmp_path: Path, fmt: str) -> None:
    from sheetsync.reader import read_plan

    plan = read_plan(write_grid(tmp_path / "plan.xlsx", catalogue_rows()))
    plan.force = "Northshire\x1b[31m Police"  # what a cell holding _x001B_ reads as
    plan.recommendations[0].actions[0].update = "Title \x1b]0;PWNED\x07 set\x00 here"
    plan.source = None
    out = render_report(plan, format=fmt, output=tmp_path / f"r.{fmt}", as_of=AS_OF).output
    data = out.read_bytes()
    assert b"\x00" not in data and b"\x1b" not in data and b"\x07" not in data
    assert b"PWNED" in data  # the text stays; only the control characters go


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_full_disk_is_one_line_exit_2_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          fmt: str) -> None:
    """Every writer writes only into `files.atomic_output`'s temporary file, so a disk that fills mid-write gives
    one line and exit 2 (not a traceback and exit 1), and neither half a report nor the temporary file stays."""
    import errno
    import zipfile

    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)  # python-docx and XlsxWriter write through it
    monkeypatch.setattr(Path, "write_text", full)  # the HTML and Markdown writers
    with pytest.raises(OutputWriteError, match="the disk is full"):
        render_report(plan, format=fmt, output=out_dir / f"r.{fmt}", as_of=AS_OF)
    assert list(out_dir.iterdir()) == []
    result = invoke(["report", str(plan), "--format", fmt, "-o", str(out_dir / f"r.{fmt}"),
                     "--public"])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert list(out_dir.iterdir()) == []


def test_a_public_report_is_never_left_without_its_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    plan = write_grid(tmp_path / "plan.xlsx", catalogue_rows())
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)  # the review is written after the report, and fails
    with pytest.raises(OutputWriteError):
        render_report(plan, format="md", output=out_dir / "public.md", as_of=AS_OF, public=True)
    assert list(out_dir.iterdir()) == []
