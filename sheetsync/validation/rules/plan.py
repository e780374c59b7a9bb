"""Rules on the plan as a whole: its header, the reader's notes, an empty grid, undated updates plan-wide."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.model import ReadNote, Severity
from sheetsync.validation.facts import Context, blank, text_key
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import Check, rule

_HEADER_LABELS = {"force": "Force", "executive_lead": "Executive Lead", "operational_lead": "Operational Lead"}


@rule("missing-header-field", "warning", scope="plan",
      meaning="Force, Executive Lead or Operational Lead empty; template title left unchanged")
def missing_header_field(ctx: Context) -> Iterator[Hit]:
    plan = ctx.plan
    for field, label in _HEADER_LABELS.items():
        value = getattr(plan, field)
        if blank(value):
            yield Hit(f"{label} is empty; fill it in the header block above the grid.", field, value,
                      ref=plan.header_cells.get(field))
    if plan.title and text_key(plan.title) in {text_key(t) for t in ctx.cat.placeholder_titles}:
        yield Hit("The title is still the template's placeholder; put the force's name in place of 'Force'.",
                  "title", plan.title, f"{plan.force} " + plan.title.split(" ", 1)[-1] if plan.force else None,
                  ref=plan.header_cells.get("title"))


# --- what the reader noted (Plan.read_notes): one rule per kind of note ----------------------------------

def note_hit(note: ReadNote, template: str | None) -> Hit:
    """A reader's note as a hit, its message from `template` (or the note's own words)."""
    where = f"{note.sheet}!{note.cell}" if note.cell else "A cell"
    what = f"{note.action}'s {note.field or 'value'}" if note.action else f"The {note.field or 'value'} in {where}"
    if template is None:
        message = f"{where}: {note.message or note.kind}."
    else:
        message = template.format(where=where, what=what, field=note.field or "value",
                                  value=repr(note.value) if note.value is not None else "a value")
    return Hit(message, note.field, note.value, ref=f"{note.sheet}!{note.cell}" if note.cell else None, note=note,
               action=note.action,
               recommendation=note.recommendation or (note.action.partition(".")[0] if note.action else None))


def _note_rule(code: str, severity: Severity, meaning: str, template: str) -> Check:
    def check(ctx: Context) -> Iterator[Hit]:
        for note in ctx.plan.read_notes:
            if note.kind == code:
                yield note_hit(note, template)

    check.__name__ = code.replace("-", "_")
    return rule(code, severity, scope="read note", meaning=meaning)(check)


_note_rule("formula-not-calculated", "error", "a formula with no calculated value: its value is unknown",
           "{where} holds a formula that was never calculated, so its value is unknown; open the workbook in Excel "
           "and save it.")
_note_rule("value-under-no-header", "warning", "a value in a column with no heading (ignored by the reader)",
           "{where} holds {value} in a column with no heading; it is ignored. Move it into the right column or "
           "remove it.")
_note_rule("number-in-text-column", "warning", "a number typed into a text column",
           "{what} is the number {value}; a number in a text column is usually a slip.")
_note_rule("merged-input-cell", "warning", "an input cell merged over several evidence rows",
           "{where} is merged over several evidence rows; each row got the same {field}. Unmerge it so each "
           "requirement has its own.")
_note_rule("blank-row", "info", "a blank row inside the grid", "{where}: a blank row inside the grid.")
_note_rule("id-trimmed", "info", "an evidence id typed with spaces or line breaks around it",
           "{what} was typed as {value}; spaces or line breaks around it were trimmed.")
_note_rule("text-date", "info", "a date typed as text, read by rule",
           "{what} {value} is typed as text; it was read by rule. Format the cell as a date.")
_note_rule("serial-date", "info", "a number in the Date column read as an Excel serial date",
           "{what} {value} is a number read as an Excel serial date; format the cell as a date.")


@rule("empty-plan", "error", scope="plan", meaning="the plan has no evidence requirements at all")
def empty_plan(ctx: Context) -> Iterator[Hit]:
    if not ctx.rows:
        yield Hit("The plan has no evidence requirements; fill in the grid (one row per evidence requirement) or "
                  "check that the right sheet was read.")
