"""Rules on each recommendation: its number, the deadline written in its text, a text cut short."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.validation.deadlines import Judgement, judge
from sheetsync.validation.facts import Context, RecRow, long_date, short
from sheetsync.validation.heuristics import truncation_reason
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import rule


@rule("unknown-recommendation", ("info", "warning"), scope="recommendation",
      meaning="a number not in the catalogue (local: info); not a number (warning)")
def unknown_recommendation(ctx: Context) -> Iterator[Hit]:
    for rec in ctx.recs:
        if rec.cat_rec is not None:
            continue
        if rec.number.isdigit():
            yield Hit(f"Recommendation {rec.number} is not one of the national recommendations to chief constables; "
                      "it is treated as a local one.", value=rec.number, rec=rec)
        else:
            yield Hit(f"Recommendation number {rec.number!r} is not a number; write the recommendation's number (for "
                      "example 7).", value=rec.rec.number, severity="warning", rec=rec)


def _judgements(ctx: Context, rec: RecRow) -> tuple[Judgement, ...]:
    expected = tuple(rec.cat_rec.deadlines) if rec.cat_rec else ()
    return judge(rec.text, expected, ctx.published)


@rule("deadline-wording", "info", scope="recommendation",
      meaning="a deadline written without \"By\" (\"27 March 2025, make sure …\")")
def deadline_wording(ctx: Context) -> Iterator[Hit]:
    for rec in ctx.recs:
        for found in _judgements(ctx, rec):
            if found.kind == "no-by":
                date_text = found.match.group("date")
                yield Hit(f"Recommendation {rec.rec.number} starts '{date_text}, …' without 'By'; the national "
                          f"wording is 'By {date_text}, …'.", "text", short(rec.text, 60), "By " + date_text, rec=rec)


@rule("deadline-mismatch", "warning", scope="recommendation",
      meaning="the deadline in the recommendation text disagrees with the real one or with itself")
def deadline_mismatch(ctx: Context) -> Iterator[Hit]:
    for rec in ctx.recs:
        number = rec.rec.number
        for found in _judgements(ctx, rec):
            match, stated, expected = found.match, found.stated, found.expected
            if found.kind == "not-a-date":
                yield Hit(f"Recommendation {number}'s deadline {match.group('date')!r} is not a real date.", "text",
                          match.group(0), rec=rec)
            elif found.kind == "rule-mismatch" and stated and expected:
                rule_text = match.group("rule")
                yield Hit(f"Recommendation {number} says {long_date(stated)} ({rule_text}), but {rule_text} is "
                          f"{long_date(expected)}.", "text", match.group(0), long_date(expected), rec=rec)
            elif found.kind == "national-mismatch" and stated and expected and rec.cat_rec:
                national = " and ".join(long_date(d) for d in rec.cat_rec.deadlines)
                yield Hit(f"Recommendation {number} gives the deadline {long_date(stated)}, but the national "
                          f"deadline is {national}.", "text", match.group(0), long_date(expected), rec=rec)


@rule("truncated-text", "warning", scope="recommendation",
      meaning="an update, evidence or recommendation text cut off mid-sentence")
def truncated_recommendation(ctx: Context) -> Iterator[Hit]:
    for rec in ctx.recs:
        if rec.cat_rec is not None and rec.rec.text:
            reason = truncation_reason(rec.text, full=rec.cat_rec.text)
            if reason:
                yield Hit(f"Recommendation {rec.number}'s text looks cut off: {reason}.", "text", rec.rec.text,
                          rec.cat_rec.text, rec=rec)
