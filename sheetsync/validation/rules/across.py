"""Rules that look across rows: no update dated at all, the same update pasted on several evidence requirements."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.validation.facts import Context, text_key
from sheetsync.validation.heuristics import duplicate_matches
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import rule


@rule("missing-date", "warning", scope="plan",
      meaning="one plan-wide finding if none of 4 or more updates has one")
def missing_dates_plan_wide(ctx: Context) -> Iterator[Hit]:
    if ctx.undated_plan_wide:
        yield Hit(f"None of the {ctx.updates} updates has a date; put the date of each update in the Date column "
                  "(DD/MM/YYYY) so readers know how current it is.", "date",
                  ref=ctx.undated[0].action.cells.get("date"))


@rule("duplicate-update", "warning", scope="plan", meaning="the same or nearly the same update on another action")
def duplicate_update(ctx: Context) -> Iterator[Hit]:
    rows = ctx.rows
    found = duplicate_matches([row.action.update for row in rows])
    for index in found.indexes():
        row = rows[index]
        action = row.action
        mine = text_key(action.update)
        names = []
        for match in found.matches(index, limit=3):
            other = rows[match.other].action
            name = f"{other.id.strip()}'s" + (f" ({other.cells['update']})" if other.cells.get("update") else "")
            theirs = text_key(other.update)
            if theirs == mine:
                names.append(f"is the same as {name}")
            elif match.containment >= 0.99:
                shorter = len(mine) < len(theirs)
                names.append(f"is the beginning of {name}" if shorter else f"contains all of {name}")
            elif match.jaccard >= 0.6 or match.containment >= 0.8:
                names.append(f"is nearly the same as {name} "
                             f"({round(max(match.jaccard, match.containment) * 100)}% shared wording)")
            else:
                names.append(f"repeats a passage of about {match.shared + 2} words from {name}")
        total = found.count(index)
        more = f", and {total - 3} more" if total > 3 else ""
        yield Hit(f"{row.name}'s update {'; '.join(names)}{more}: each evidence requirement needs its own update.",
                  "update", action.update, row=row)
