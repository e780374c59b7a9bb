"""Returns in the shapes forces really send, built in code for the import and collation tests (issue 16): Word
documents with one table per recommendation (bilingual or not), workbooks with one sheet per recommendation,
workbooks with one dated update column per return, tracker exports with decoy columns."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REC7 = "By 27 March 2025, where required, seek changes to crime recording systems so stalking is recorded."
REC13 = "By 27 March 2025, take steps so that police consider a Stalking Protection Order in every stalking case."

Rows = Sequence[Sequence[str]]


def word_one_table_per_recommendation(*, bilingual: bool = True, labels_on_two_lines: bool = False,
                                      date_column: bool = True) -> bytes:
    """A Word return: the force on the first line, the leads in a key/value table, a heading, the
    recommendation's paragraph and a table per recommendation, then version control and a glossary."""
    import docx

    def label(welsh: str, english: str) -> str:
        if not bilingual:
            return english
        return f"{welsh}\n{english}" if labels_on_two_lines else f"{welsh} / {english}"

    document = docx.Document()
    document.add_paragraph(label("Heddlu Gwent", "Gwent Police") if bilingual else "Gwent Police")
    document.add_paragraph(label("Cynllun Gweithredu Stelcio", "Stalking Action Plan"))
    leads = document.add_table(rows=3, cols=2)
    for r, (key, value) in enumerate([(label("Arweinydd Strategol", "Executive Lead"), "DCC Rhian Morgan"),
                                      (label("Arweinydd Gweithredol", "Operational Lead"), "Det Supt Huw Evans"),
                                      (label("Dosbarthiad", "Protective marking"), "OFFICIAL")]):
        leads.cell(r, 0).text, leads.cell(r, 1).text = key, value
    heads = [label("Cyfeirnod", "Ref"), label("Gofyniad tystiolaeth", "Evidence requirement"),
             label("Perchennog", "Owner"), label("Diweddariad", "Update"), label("Statws", "Status")]
    if date_column:
        heads.insert(4, label("Dyddiad", "Date"))
    done, going = label("Wedi'i gwblhau", "Complete"), label("Ar waith", "In progress")
    sections = [
        ("7", REC7, [["7.1", "Processes are in place so the search capability is used.", "DI Carys Price",
                      "Flag in place since January.", "14/01/2025", done],
                     ["7.2", "Alternative approaches while changes are pending.", "DI Carys Price",
                      "Weekly manual check.", "Nov-24", going]]),
        ("13", REC13, [["13.1", "Local training and guidance on SPOs.", "Legal Services",
                        "All supervisors trained.", "27/03/2025", done]]),
    ]
    for number, text, rows in sections:
        document.add_heading(label(f"Argymhelliad {number}", f"Recommendation {number}"), level=2)
        document.add_paragraph(label("Erbyn 27 Mawrth 2025", text) if bilingual else text)
        table = document.add_table(rows=1 + len(rows), cols=len(heads))
        for c, head in enumerate(heads):
            table.cell(0, c).text = head
        for r, row in enumerate(rows, start=1):
            values = list(row) if date_column else [*row[:4], row[5]]
            for c, value in enumerate(values):
                table.cell(r, c).text = value
    document.add_heading(label("Rheoli fersiynau", "Version control"), level=2)
    version = document.add_table(rows=3, cols=4)
    for r, row in enumerate([["Version", "Date", "Author", "Changes"], ["0.1", "01/11/2024", "H Evans", "Draft"],
                             ["1.0", "02/04/2025", "H Evans", "March return"]]):
        for c, value in enumerate(row):
            version.cell(r, c).text = value
    document.add_heading(label("Geirfa", "Glossary"), level=2)
    glossary = document.add_table(rows=2, cols=2)
    for r, row in enumerate([["Term", "Meaning"], ["SPO", "Stalking Protection Order"]]):
        for c, value in enumerate(row):
            glossary.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def workbook(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: Sequence[str] = ()) -> Path:
    """Sheets of rows, written with openpyxl, in the order given."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    return path


def sheet_per_recommendation(path: Path, *, cover: bool = True, rec_column: bool = False,
                             own_status: str | None = None) -> Path:
    """Cover, Dashboard, one sheet per recommendation (its text above its grid), Lists."""
    heads = ["Evidence ID", "Evidence requirement", "Owner", "Update", "Date", "Status"]
    if rec_column:
        heads.insert(0, "Rec No")

    def grid(number: str, text: str, rows: list[list[Any]]) -> list[list[Any]]:
        body = [[number if rec_column and i == 0 else None, *row] if rec_column else row
                for i, row in enumerate(rows)]
        return [[f"Recommendation {number}: {text}"], [], heads, *body]

    sheets: dict[str, list[list[Any]]] = {}
    if cover:
        sheets["Cover"] = [["Westmoor Constabulary"], ["Stalking super-complaint action plan"], [],
                           ["Executive Lead:", "ACC Dan Hughes"], ["Operational Lead:", "DCI Lisa Bryant"],
                           ["Version", "March 2025 return"]]
    sheets["Dashboard"] = [["Recommendation", "Complete", "In progress"], ["7", 1, 1], ["13", 1, 0]]
    sheets["Rec 7"] = grid("7", REC7, [["7.1", "Processes in place.", "DI Ray Lamb", "Flag live.", "14/01/2025",
                                        "Action Complete"],
                                       ["7.2", "Alternatives while pending.", "DI Ray Lamb", "Manual checks.",
                                        "01/11/2024", "In Progress"]])
    sheets["Rec 13"] = grid("13", REC13, [["13.1", "Training on SPOs.", "Legal Services", "Delivered.",
                                           "27/03/2025", "BAU"]])
    sheets["Lists"] = [["Status"], ["Not Started"], ["In Progress"], ["Action Complete"], ["BAU"],
                       ["Not Applicable"], *([[own_status]] if own_status else [])]
    if own_status:
        sheets["Rec 13"][3][-1] = own_status
    return workbook(path, sheets)


def dated_update_columns(path: Path, *, newest_first: bool = False) -> Path:
    """One dated update column per return and no Date column; the newest column blank on some rows."""
    dated = ["Update Nov 2024", "Update Jan 2025", "Update March 2025"]
    rows: list[list[Any]] = [
        ["7", REC7, "7.1", "Processes in place.", "DI Ray Lamb", "Scoping.", "Flag built.", "Flag live.",
         "Action Complete"],
        [None, None, "7.2", "Alternatives while pending.", "DI Ray Lamb", "Manual checks.", "Manual checks weekly.",
         None, "In Progress"],
        ["13", REC13, "13.1", "Training on SPOs.", "Legal Services", "Planned.", None, None, "Not Started"]]
    heads: list[Any] = ["Rec No", "Recommendation", "Evidence ID", "Evidence requirement", "Owner", *dated, "Status"]
    if newest_first:
        order = [0, 1, 2, 3, 4, 7, 6, 5, 8]
        heads = [heads[i] for i in order]
        rows = [[row[i] for i in order] for row in rows]
    return workbook(path, {"Action Plan": [["Northmoor Police Stalking Action Plan"], [], heads, *rows]})


def tracker_export_csv(*, variant: int = 0) -> str:
    """A tracker's CSV export with decoy columns beside the real ones."""
    heads = ["ID", "Recommendation", "Evidence requirement", "Executive Sponsor", "Action Owner", "Latest update",
             "Due Date", "Update date", "Last Modified", "RAG status", "Status"]
    rows = [["7.1", REC7, "Processes in place.", "ACC Dan Hughes", "DI Ray Lamb", "Flag live.", "27/03/2025",
             "14/01/2025", "02/04/2025 09:14", "Green", "Complete"],
            ["7.2", "", "Alternatives while pending.", "ACC Dan Hughes", "DI Ray Lamb", "Manual checks.",
             "27/03/2025", "01/11/2024", "02/04/2025 09:15", "Amber", "In progress"],
            ["13.1", REC13, "Training on SPOs.", "ACC Dan Hughes", "Legal Services", "Delivered.", "27/03/2025",
             "27/03/2025", "02/04/2025 09:16", "Green", "BAU"]]
    if variant == 1:  # decoys first, the real columns after them
        order = [0, 1, 2, 3, 4, 5, 6, 8, 7, 9, 10][::-1]
        heads, rows = [heads[i] for i in order], [[row[i] for i in order] for row in rows]
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(["Force", "Northmoor Police"])
    writer.writerow(heads)
    writer.writerows(rows)
    return out.getvalue()
