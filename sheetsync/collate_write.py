"""Writing a `Collation`: the national workbook (Plans, By force, Matrix, Data quality, Missing returns, Files),
the Plans table as CSV, and the national HTML page (`templates/national.html.j2`). Every output names the RAG rule
beside the ratings and carries `collate.MARKER` (or, for CSV, its headings) so a later collation skips it."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.catalogue import catalogue
from sheetsync.collate import MARKER, RAG_RULE, Collation, ForceReturn
from sheetsync.text import markup_safe, neutralise_formula

# rag says done (Green) and overdue (Red) too.
PLAN_COLUMNS = ("force", "recommendation", "deadline", "action", "evidence", "owner", "update",
                "date", "status", "status_raw", "progress", "rag", "hidden", "source")
BY_FORCE_COLUMNS = ("Force", "In roster", "Written as", "Read as", "Requirements", "Done", "% done", "Red", "Amber",
                    "Green", "Overdue", "Without status", "Newest update", "Errors", "Warnings", "Source")
# Fills light enough for black text at AA contrast; the word is always written too (never colour alone).
FILLS = {"Red": "#F4C7C3", "Amber": "#FCE8B2", "Green": "#B7E1CD", "": "#F3F2F1"}
NOT_IN_PLAN = "not in plan"

Cell = str | int | float | bool | date | None


def _safe(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    return neutralise_formula(value) if isinstance(value, str) else value


def recommendation_numbers(collation: Collation) -> list[str]:
    """The catalogue's recommendations in order, then any local numbers the plans use."""
    numbers = [rec.number for rec in catalogue().recommendations]
    for ret in collation.returns:
        numbers += [rec.number for rec in ret.plan.recommendations if rec.number not in numbers]
    return numbers


def plan_rows(collation: Collation) -> list[tuple[Cell, ...]]:
    """One row per force and evidence requirement, in PLAN_COLUMNS order."""
    rows: list[tuple[Cell, ...]] = []
    for ret in collation.returns:
        for (rec, action), rag in zip(ret.plan.actions(), ret.ratings, strict=True):
            rows.append((ret.force, rec.number, rec.deadline, action.id, action.evidence,
                         action.owner, action.update, action.date, action.status, action.status_raw,
                         action.progress, rag, action.hidden, ret.source))
    return rows


def force_summary(ret: ForceReturn) -> dict[str, Cell]:
    rags = list(ret.ratings)
    total = len(rags)
    done = rags.count("Green")
    return {"Force": ret.force, "In roster": "yes" if ret.in_roster else "no", "Written as": ret.plan.force,
            "Read as": ret.read_as,
            "Requirements": total, "Done": done, "% done": round(100 * done / total) if total else 0,
            "Red": rags.count("Red"), "Amber": rags.count("Amber"), "Green": done, "Overdue": rags.count("Red"),
            "Without status": sum(a.status is None for _, a in ret.plan.actions()),
            "Newest update": ret.newest, "Errors": sum(ret.errors.values()),
            "Warnings": sum(ret.warnings.values()), "Source": ret.source}


def headline(collation: Collation) -> dict[str, Any]:
    """The national figures every output states the same way."""
    rows = [rag for ret in collation.returns for rag in ret.ratings]
    done = rows.count("Green")
    rec_rags = [rag for ret in collation.returns for rag in ret.recommendation_rags().values()]
    in_roster = sum(ret.in_roster for ret in collation.returns)
    return {"returned": in_roster, "roster": len(collation.roster), "plans": len(collation.returns),
            "requirements": len(rows), "done": done, "percent_done": round(100 * done / len(rows)) if rows else 0,
            "red": rows.count("Red"), "red_recommendations": rec_rags.count("Red"),
            "with_errors": sum(bool(ret.errors) for ret in collation.returns), "missing": len(collation.missing)}


def write_output(collation: Collation, out: Path, *, overwrite: bool,
                 protect: tuple[str | os.PathLike[str], ...]) -> None:
    from sheetsync.files import atomic_output

    suffix = out.suffix.casefold()
    with atomic_output(out, overwrite=overwrite, protect=protect) as tmp:
        if suffix == ".csv":
            _write_csv(collation, tmp)
        elif suffix == ".html":
            tmp.write_text(render_html(collation), encoding="utf-8")
        else:
            _write_xlsx(collation, tmp)


def _write_csv(collation: Collation, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PLAN_COLUMNS)
        for row in plan_rows(collation):
            writer.writerow(["" if v is None else _safe(v) for v in row])


# ------------------------------------------------------------------------------------------------- workbook


def _write_xlsx(collation: Collation, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                           "strings_to_urls": False, "in_memory": True,
                                           "default_date_format": "yyyy-mm-dd"})
    book.set_properties({"title": f"Police Stalking Action Plans: national collation as on {collation.as_of}",
                         "subject": MARKER, "author": "sheetsync", "comments": RAG_RULE})
    book.set_custom_property("generator", MARKER)
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    rag_formats = {rag: book.add_format({"bg_color": fill, "border": 1, "align": "center", "bold": rag == "Red"})
                   for rag, fill in FILLS.items()}

    def table(name: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int],
              rag_col: int | None = None) -> Any:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, headings, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if c == rag_col and isinstance(value, str):
                    ws.write_string(r, c, value, rag_formats.get(value, rag_formats[""]))
                else:
                    _write(ws, r, c, _safe(value))
        for c, width in enumerate(widths):
            ws.set_column(c, c, width, wrap if width >= 40 else None)
        ws.freeze_panes(1, 1)
        if rows:
            ws.autofilter(0, 0, len(rows), len(headings) - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.repeat_rows(0)
        if name != "Plans":
            ws.fit_to_pages(1, 0)  # every column on the page's width; as many pages down as it takes
        return ws

    widths = (36, 8, 11, 8, 40, 22, 50, 11, 14, 14, 8, 7, 7, 36)
    table("Plans", PLAN_COLUMNS, plan_rows(collation), widths, rag_col=PLAN_COLUMNS.index("rag"))
    summaries = [force_summary(ret) for ret in collation.returns]
    table("By force", BY_FORCE_COLUMNS, [[s[c] for c in BY_FORCE_COLUMNS] for s in summaries],
          (36, 9, 36, 18, 12, 7, 7, 6, 7, 7, 8, 8, 12, 7, 9, 40))
    _matrix_sheet(book, collation, bold, wrap, rag_formats)
    codes = sorted({c for ret in collation.returns for c in (*ret.errors, *ret.warnings)})
    quality = [[ret.force, sum(ret.errors.values()), sum(ret.warnings.values()),
                *[_code_cell(ret, code) for code in codes]] for ret in collation.returns]
    table("Data quality", ["Force", "Errors", "Warnings", *codes], quality, (36, 8, 9, *[22] * len(codes)))
    table("Missing returns", ["Force (no return counted)"], [[name] for name in collation.missing], (45,))
    table("Files", ["File", "Outcome", "Read as", "Force", "Rows", "Note"],
          [[f.path, f.outcome, f.read_as, f.force, f.rows or None, f.reason] for f in collation.files],
          (45, 11, 18, 36, 6, 70))
    book.close()


def _code_cell(ret: ForceReturn, code: str) -> str | None:
    parts = [f"{n} error{'s' * (n != 1)}" for n in [ret.errors.get(code, 0)] if n]
    parts += [f"{n} warning{'s' * (n != 1)}" for n in [ret.warnings.get(code, 0)] if n]
    return ", ".join(parts) or None


def _write(ws: Any, row: int, col: int, value: Cell) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, value)


def _matrix_sheet(book: Any, collation: Collation, bold: Any, wrap: Any, rag_formats: dict[str, Any]) -> None:
    """Force × recommendation, each cell the word and its colour; the rule and a key above the table."""
    ws = book.add_worksheet("Matrix")
    numbers = recommendation_numbers(collation)
    last = len(numbers)
    ws.write(0, 0, f"Recommendation RAG by force, as on {collation.as_of.isoformat()}",
             book.add_format({"bold": True, "font_size": 14}))
    rule = (f"How the ratings are made: {RAG_RULE} Deadlines are judged as on {collation.as_of.isoformat()}; "
            f"'{NOT_IN_PLAN}': the force's plan has no rows for that recommendation.")
    ws.merge_range(1, 0, 1, last, rule, book.add_format({"text_wrap": True, "valign": "top"}))
    ws.set_row(1, 48)
    ws.write_string(2, 0, "Key:", bold)
    for c, rag in enumerate(("Green", "Amber", "Red"), start=1):
        ws.write_string(2, c, rag, rag_formats[rag])
    head = 4
    ws.write_row(head, 0, ["Force", *[f"Rec {n}" for n in numbers]], bold)
    for r, ret in enumerate(collation.returns, start=head + 1):
        ws.write_string(r, 0, str(_safe(ret.force)))
        rags = ret.recommendation_rags()
        for c, number in enumerate(numbers, start=1):
            rag = rags.get(number, "")
            ws.write_string(r, c, rag or NOT_IN_PLAN, rag_formats[rag])
    ws.set_column(0, 0, 38)
    ws.set_column(1, last, 10)
    ws.freeze_panes(head + 1, 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(head)
    ws.fit_to_pages(1, 0)


# ------------------------------------------------------------------------------------------------ HTML page


def render_html(collation: Collation) -> str:
    """The national page: self-contained, printable, the matrix a real table with words and colours."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("sheetsync", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             finalize=lambda v: markup_safe(v) if isinstance(v, str) else v)
    numbers = recommendation_numbers(collation)
    matrix = [(ret.force, [ret.recommendation_rags().get(n, "") for n in numbers])
              for ret in collation.returns]
    cat = {rec.number: rec for rec in catalogue().recommendations}
    return env.get_template("national.html.j2").render(
        c=collation, marker=MARKER, rule=RAG_RULE, numbers=numbers, matrix=matrix, fills=FILLS,
        not_in_plan=NOT_IN_PLAN, head=headline(collation), as_of=collation.as_of.strftime("%-d %B %Y"),
        summaries=[force_summary(ret) for ret in collation.returns],
        deadlines={n: (cat[n].deadline.strftime("%-d %b %y") if n in cat and cat[n].deadline else "") for n in numbers})


__all__ = ["PLAN_COLUMNS", "force_summary", "headline", "plan_rows", "render_html", "write_output"]
