"""Rules on each evidence row (an action): its id, evidence text, owner, status, update, date and deadline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from sheetsync.plan_rules import with_progress
from sheetsync.validation.facts import Context, Row, blank, long_date, short
from sheetsync.validation.heuristics import pending_in_latest, truncation_reason
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import rule

_LEADING_ID = re.compile(r"^\s*(\d{1,3}\.\d{1,3})\b")
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")


def _trim_description(raw: str) -> str:
    parts = []
    stripped_left = raw[: len(raw) - len(raw.lstrip())]
    stripped_right = raw[len(raw.rstrip()):]
    for side, chunk in (("leading", stripped_left), ("trailing", stripped_right)):
        if chunk:
            kinds = sorted({"line break" if ch in "\r\n" else "tab" if ch == "\t" else "space" for ch in chunk})
            parts.append(f"{side} {' and '.join(kinds)}s" if len(chunk) > 1 else f"a {side} {kinds[0]}")
    return " and ".join(parts)


def _place(row: Row) -> str:
    ref = row.action.cells.get("id")
    return ref if ref else f"evidence {row.action.id.strip()}"


# --- the id ------------------------------------------------------------------------------------------------

@rule("bad-action-id", "error", scope="action", meaning="the evidence id is not N.M after trimming")
def bad_action_id(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.action_id is None:
            raw = row.raw_id
            what = _trim_description(raw)
            leading = _LEADING_ID.match(row.trimmed)
            trimming = f" (after trimming {what})" if what else ""
            yield Hit(f"Evidence id {row.trimmed!r} is not a number like 7.1{trimming}.", "id", raw,
                      leading.group(1) if leading else None, row=row)


@rule("id-trimmed", "info", scope="action", meaning="an evidence id typed with spaces or line breaks around it")
def id_trimmed(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        raw = row.raw_id
        if row.action_id is not None and row.trimmed != raw:
            yield Hit(f"Evidence id {row.trimmed} was typed with {_trim_description(raw)}.", "id", raw, row.trimmed,
                      row=row)


@rule("duplicate-action", "error", scope="action", meaning="the same evidence id twice")
def duplicate_action(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        first = ctx.first_of_id.get(row.action_id) if row.action_id is not None else None
        if first is not None and first is not row:
            yield Hit(f"{row.trimmed} appears twice ({_place(first)} and {_place(row)}); keep one row per evidence "
                      "requirement.", "id", row.trimmed, row=row)


@rule("misplaced-action", "error", scope="action",
      meaning="the id's prefix is not the recommendation it sits under")
def misplaced_action(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.prefix != row.rec.number and row.action_id is not None:
            prefix = row.prefix
            yield Hit(f"{row.trimmed} sits under recommendation {row.rec.rec.number}; its number says it belongs to "
                      f"recommendation {prefix}.", "id", row.trimmed, f"move it under recommendation {prefix}",
                      row=row)


@rule("unknown-action", "info", scope="action",
      meaning="an evidence id the catalogue does not have under a national recommendation (a local one)")
def unknown_action(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        prefix = row.prefix
        if row.national is None and row.action_id is not None and prefix in ctx.cat_recs:
            yield Hit(f"{row.trimmed} is not one of the national evidence requirements of recommendation {prefix}; it "
                      "is treated as a local action.", "id", row.trimmed, row=row)


@rule("hidden-row", "warning", scope="action", meaning="plan data in a hidden row")
def hidden_row(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.action.hidden:
            yield Hit(f"{row.action_id or 'This row'} is in a hidden row: its data counts but nobody sees it. Unhide "
                      "the row or delete it.", row=row)


# --- the evidence text -------------------------------------------------------------------------------------

@rule("missing-evidence", "warning", scope="action",
      meaning="the evidence text is blank where the national text exists; suggestion = that text")
def missing_evidence(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        national = row.national_text
        if national and blank(row.action.evidence):
            yield Hit(f"{row.label} has no evidence text; the national text is: {national}", "evidence",
                      row.action.evidence, national, row=row)


@rule("evidence-mismatch", "warning", scope="action",
      meaning="the evidence text is the national text of another id (rows swapped or pasted)")
def evidence_mismatch(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        other = row.evidence_other
        if other and other != row.action_id:
                yield Hit(f"{row.label}'s evidence text is the national text of {other}; rows swapped or pasted into "
                      "the wrong place?", "evidence", row.action.evidence, row.national_text, row=row)


@rule("truncated-text", "warning", scope="action",
      meaning="an update, evidence or recommendation text cut off mid-sentence")
def truncated_evidence(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.evidence_cut:
            yield Hit(f"{row.label}'s evidence text looks cut off: {row.evidence_cut}.", "evidence",
                      row.action.evidence, row.national_text, row=row)


# --- the owner ---------------------------------------------------------------------------------------------

@rule("missing-owner", "warning", scope="action", meaning="no owner (a cell of spaces counts as empty)")
def missing_owner(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.owner_blank:
            yield Hit(f"{row.name} has no owner; name the person or team responsible.", "owner", row.action.owner,
                      row=row)


@rule("owner-unassigned", "warning", scope="action",
      meaning="the owner is still an addressee (\"Chief Constables\", \"All CCs\"): nobody owns it")
def owner_unassigned(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        owner = row.action.owner
        if row.owner_default:
            yield Hit(f"{row.name}'s owner is still '{' '.join(str(owner).split())}', the template's addressee: nobody "
                      "owns it. Name a person or team.", "owner", owner, row=row)


# --- the status --------------------------------------------------------------------------------------------

def _status_cell(row: Row) -> str | None:
    return row.action.status_raw if row.action.status_raw is not None else row.action.status


def _shown(row: Row) -> str:
    raw = _status_cell(row)
    return " ".join(str(raw).split()) if raw is not None else ""


@rule("missing-status", "error", scope="action", meaning="an evidence requirement has no status")
def missing_status(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.status_plain:
            continue
        if row.status.how == "empty":
            yield Hit(f"{row.name} has no status; choose one from the list ({', '.join(ctx.vocab.names)}).", "status",
                      _status_cell(row), row=row)


@rule("unknown-status", "error", scope="action",
      meaning="the status is not in the list (typo, RAG colour, prose); suggestion = closest status")
def unknown_status(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.status_plain:
            continue
        match = row.status
        if match.how in ("empty", "bad-percentage") or match.ok:
            continue
        shown = _shown(row)
        why = {"rag": f"'{shown}' is a RAG colour, a rating of a status rather than a status",
               "prose": f"'{short(shown, 50)}' reads as prose; put the words in the update and pick a status",
               }.get(match.how, f"status '{short(shown, 50)}' is not in the list")
        hint = f"; did you mean '{match.suggestion}'?" if match.suggestion else (
            f"; choose one of: {', '.join(ctx.vocab.names)}.")
        yield Hit(f"{row.name} {why}{hint}", "status", _status_cell(row), match.suggestion, row=row)


@rule("status-not-canonical", "info", scope="action",
      meaning="a recognised variant (case, spacing, synonym, \"50 %\"); suggestion = the list's word")
def status_not_canonical(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.status_plain:
            continue
        match = row.status
        if match.how not in ("exact", "empty", "bad-percentage") and match.ok and not match.canonical_as_typed:
            canonical = with_progress(match.status, match.progress)
            yield Hit(f"{row.name} status '{_shown(row)}' means '{canonical}'; write it as the list does.", "status",
                      _status_cell(row), canonical, row=row)


@rule("bad-progress", ("error", "warning"), scope="action",
      meaning="a percentage outside 0–100 (error); on a status other than In Progress (warning)")
def bad_progress(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.status_plain:
            continue
        match, definition = row.status, row.definition
        if match.how == "bad-percentage":
            yield Hit(f"{row.name} status '{_shown(row)}' has a percentage outside 0–100.", "status",
                      _status_cell(row), match.suggestion, row=row)
            continue
        if match.how == "empty" or not match.ok:
            continue
        progress = match.progress if match.progress is not None else row.action.progress
        if progress is not None and definition is not None and not definition.takes_progress:
            yield Hit(f"{row.name} has a percentage ({progress}%) on status '{definition.name}'; only In Progress "
                      "takes one.", "status", _status_cell(row), definition.name, "warning", row=row)
        elif progress is not None and not 0 <= progress <= 100:
            yield Hit(f"{row.name} progress {progress}% is outside 0–100.", "status", _status_cell(row), row=row)


# --- the update --------------------------------------------------------------------------------------------

@rule("missing-update", "warning", scope="action",
      meaning="the status says started, done or BAU but there is no update")
def missing_update(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        definition = row.definition
        if not row.has_update and definition is not None and (definition.started or definition.done):
            yield Hit(f"{row.label} is '{definition.name}' but has no update; say what was done.", "update",
                      row.action.update, row=row)


@rule("pending-language", "warning", scope="action",
      meaning="status done/BAU but the (latest) update describes work still to do")
def pending_language(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        definition, update = row.definition, row.action.update
        if row.has_update and update is not None and definition is not None and definition.done and definition.started:
            phrase = pending_in_latest(update[row.markers[-1]:] if row.markers else update)
            if phrase:
                yield Hit(f"{row.label} is '{definition.name}' but its update says '{phrase}': work still to do? "
                          "Change the status or update the text.", "update", update, "In Progress", row=row)


@rule("history-in-cell", "info", scope="action",
      meaning="earlier updates kept inside the cell (\"… UPDATE: …\") instead of dated records")
def history_in_cell(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.markers:
            yield Hit(f"{row.label}'s update keeps earlier updates inside the cell ('… UPDATE: …'); keep only the "
                      "latest and let snapshots keep the history.", "update", row.action.update, row=row)


@rule("truncated-text", "warning", scope="action",
      meaning="an update, evidence or recommendation text cut off mid-sentence")
def truncated_update(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.has_update:
            reason = truncation_reason(row.action.update, context=row.action.evidence)
            if reason:
                yield Hit(f"{row.label}'s update looks cut off: {reason}.", "update", row.action.update, row=row)


# --- the date and the deadline -----------------------------------------------------------------------------

@rule("bad-date", ("error", "warning"), scope="action",
      meaning="unreadable or impossible (error); after as-of or before the report existed (warning)")
def bad_date(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        action, label = row.action, row.label
        when = action.date
        if when is not None:
            if when > ctx.as_of:
                yield Hit(f"{label}'s date {when:%d/%m/%Y} is after {ctx.as_of:%d/%m/%Y}; an update cannot be dated "
                          "in the future.", "date", action.date_raw or when.isoformat(), severity="warning", row=row)
            elif when < ctx.published:
                yield Hit(f"{label}'s date {when:%d/%m/%Y} is before the report was published "
                          f"({long_date(ctx.published)}).", "date", action.date_raw or when.isoformat(),
                          severity="warning", row=row)
        elif not blank(action.date_raw):
            from sheetsync.dates import parse_date

            raw = str(action.date_raw).strip()
            numeric = _NUMERIC_DATE.match(raw)
            impossible = parse_date(raw).how == "impossible" or bool(numeric and _impossible(numeric))
            why = "is not a real date" if impossible else "cannot be read as a date"
            yield Hit(f"{label}'s date '{raw}' {why}; write it as DD/MM/YYYY.", "date", raw, row=row)


def _impossible(match: re.Match[str]) -> bool:
    day, month, year = (int(g) for g in match.groups())
    try:
        date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return True
    return False


@rule("overdue", "warning", scope="action",
      meaning="the deadline has passed at the as-of date and the status is not done")
def overdue(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        definition = row.definition
        if definition is not None and not definition.done:
            cat_rec = row.rec.cat_rec
            fallback = cat_rec.deadline if cat_rec is not None else row.rec.rec.deadline
            national = ctx.cat_recs.get(row.label.partition(".")[0])
            deadline = national.deadline if national is not None else fallback
            if deadline is not None and deadline < ctx.as_of:
                yield Hit(f"{row.label} is '{definition.name}' and its deadline ({long_date(deadline)}) has passed.",
                          "status", row.action.status_raw or row.action.status, row=row)


@rule("missing-date", "warning", scope="action", meaning="an update has no date")
def missing_date(ctx: Context) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.undated and not ctx.undated_plan_wide:
            yield Hit(f"{row.name} has an update but no date; add the date of the update.", "date", row=row)
