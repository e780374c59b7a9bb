"""Rules that walk the national catalogue: what the plan lacks (run only when the plan has any rows)."""

from __future__ import annotations

from collections.abc import Iterator

from sheetsync.catalogue import CatalogueRecommendation
from sheetsync.validation.facts import Context
from sheetsync.validation.records import Hit
from sheetsync.validation.registry import rule


def _absent(ctx: Context, cat_rec: CatalogueRecommendation) -> bool:
    return cat_rec.number not in ctx.present_numbers and cat_rec.number not in ctx.present_prefixes


@rule("missing-recommendation", "error", scope="catalogue", meaning="a national recommendation is absent")
def missing_recommendation(ctx: Context) -> Iterator[Hit]:
    for cat_rec in ctx.cat.recommendations:
        if _absent(ctx, cat_rec):
            yield Hit(f"Recommendation {cat_rec.number} ({cat_rec.about}) is missing; every recommendation to chief "
                      "constables needs a response.", recommendation=cat_rec.number)


@rule("missing-action", "error", scope="catalogue", meaning="a national evidence requirement is absent")
def missing_action(ctx: Context) -> Iterator[Hit]:
    for cat_rec in ctx.cat.recommendations:
        if _absent(ctx, cat_rec):
            continue
        for ev in cat_rec.evidence:
            if ev.id not in ctx.present_ids:
                yield Hit(f"Evidence requirement {ev.id} is missing from recommendation {cat_rec.number}; add a row "
                          "for it.", suggestion=ev.text, action=ev.id, recommendation=cat_rec.number)
