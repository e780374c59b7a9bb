"""The importers' seam (issue 11): a format or a shape is one class satisfying the declared interface and one
entry in `importers/registry.py`; detection, `--from` and the shapes tried all read that registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import invoke

from sheetsync.importers import import_plan, registry
from sheetsync.importers.common import Document, Line, source_text
from sheetsync.importers.interfaces import Format, Shape, Source
from sheetsync.importers.report import ImportReport


class JsonLines:
    """A toy format for the test: one JSON object a line, turned into a tab-separated grid."""

    name = "jsonl"
    suffixes = (".jsonl",)
    binary = False

    def sniff(self, source: Source) -> bool:
        return source.head.lstrip().startswith("{")

    def load(self, source: Source, report: ImportReport) -> Document:
        rows = [json.loads(line) for line in source_text(source, report).splitlines() if line.strip()]
        keys = list(rows[0])
        lines = [Line(no=1, cells=keys, in_table=False)]
        lines += [Line(no=k, cells=[str(row.get(key, "")) for key in keys]) for k, row in enumerate(rows, start=2)]
        return Document(lines=lines)


def test_registry_is_in_detection_order_and_typed() -> None:
    assert registry.format_names() == ("docx", "xlsx", "html", "markdown", "csv", "text")
    assert registry.FORMATS[-1].name == "text" and all(f.binary for f in registry.FORMATS[:2])
    formats: tuple[Format, ...] = registry.FORMATS  # mypy checks every entry against the Protocols
    shapes: tuple[Shape, ...] = registry.SHAPES
    assert [s.name for s in shapes] == ["table", "text-grid", "key-value", "labelled-prose"] and formats


def test_a_new_format_is_one_class_and_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toy: Format = JsonLines()
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS[:-1], toy, registry.FORMATS[-1]))
    source = tmp_path / "plan.jsonl"
    source.write_text('{"Rec No": "7", "Evidence ID": "7.1", "Evidence": "Processes.", "Owner": "DI A", '
                      '"Update": "Done.", "Status": "Complete"}\n', encoding="utf-8")
    plan, report = import_plan(source)
    assert report.format == "jsonl" and [a.id for _, a in plan.actions()] == ["7.1"]
    assert import_plan(source.read_bytes())[1].format == "jsonl"  # detected by its sniff, without a suffix
    help_text = invoke(["import", "--help"]).output
    assert "jsonl" in help_text
    out = tmp_path / "plan.xlsx"
    result = invoke(["import", str(source), "-o", str(out), "--from", "jsonl"])
    assert result.exit_code in (0, 1), result.output
    assert out.exists()
