"""Shapes 2 and 3: a police website's key/value blocks (HTML and copied text) and labelled prose."""

from __future__ import annotations

import json
from datetime import date

from import_helpers import FIXTURES, by_id

from sheetsync.importers import import_plan
from sheetsync.model import Action


def _a(plan_ids: dict[str, tuple[str, object]], action_id: str) -> Action:
    action = plan_ids[action_id][1]
    assert isinstance(action, Action)
    return action


def test_website_html_blocks_with_furniture() -> None:
    plan, report = import_plan(FIXTURES / "kentmere_website.html")
    assert (report.format, report.shape) == ("html", "key-value")
    assert plan.force == "Kentmere Police" and plan.title == "Kentmere Police Stalking Action Plan"
    assert [r.number for r in plan.recommendations] == ["7", "23"]
    recs = {r.number: r for r in plan.recommendations}
    assert recs["7"].text is not None and recs["7"].text.startswith("By 27 March 2025, where required")
    ids = by_id(plan)
    assert list(ids) == ["7.1", "7.2", "23.1", "25.1"]
    assert ids["25.1"][0] == "23"  # no text line for 25 on the page: it stays where the page put it
    a71 = _a(ids, "7.1")
    assert a71.owner == "Head of Crime Standards & Records"
    assert a71.update == ("Our records system (Connect) now allows included classifications.\n"
                          "All Crime Bureau staff were briefed on 4 November.")
    assert (a71.date, a71.status, a71.status_raw) == (date(2024, 11, 1), "Action Complete", "Action complete")
    assert a71.supporting_documents == "Crime Bureau briefing (PDF)"
    assert _a(ids, "7.2").status == "Not Applicable" and _a(ids, "7.2").supporting_documents is None
    a231 = _a(ids, "23.1")
    assert (a231.status, a231.status_raw, a231.date) == (None, "In progess", date(2025, 1, 27))
    assert (_a(ids, "25.1").status, _a(ids, "25.1").progress) == ("In Progress", 75)
    furniture = next(c for c in report.cleaned if c.kind == "site-furniture-dropped")
    assert furniture.count >= 5
    everything = " ".join(json.dumps(a.canonical(), ensure_ascii=False) for _, a in plan.actions()) + " ".join(
        r.text or "" for r in plan.recommendations)
    for junk in ("cookie", "Leave this site", "Privacy", "Contact us", "Was this page useful"):
        assert junk.lower() not in everything.lower()
    assert [u.line for u in report.unused] == [20]  # the introduction paragraph


def test_website_copied_text_with_values_on_following_lines() -> None:
    plan, report = import_plan(FIXTURES / "dunmore_website_copied.txt")
    assert (report.format, report.shape) == ("text", "key-value")
    assert plan.force == "Dunmore Constabulary"
    assert [r.number for r in plan.recommendations] == ["10", "14"]
    assert plan.recommendations[1].text is not None and plan.recommendations[1].text.startswith("By 27 March")
    ids = by_id(plan)
    a101 = _a(ids, "10.1")
    assert a101.update == ("Curriculum mapped against the national learning outcomes in December.\n"
                           "A gap on online stalking has been added to the refresher course.")
    assert a101.date == date(2024, 12, 1) and a101.supporting_documents == "Mapping report (internal)"
    a102 = _a(ids, "10.2")
    assert (a102.status, a102.status_raw, a102.date, a102.supporting_documents) == (
        "Action Complete", "Complete", None, None)
    assert ids["13.2"][0] == "14"
    assert (_a(ids, "13.2").status, _a(ids, "13.2").status_raw) == (None, "Action Compelte")
    assert next(c for c in report.cleaned if c.kind == "site-furniture-dropped").count >= 10
    assert "All rights reserved" not in (_a(ids, "13.2").supporting_documents or "")


def test_labelled_prose_text() -> None:
    plan, report = import_plan(FIXTURES / "ashby_prose.txt")
    assert report.shape == "labelled-prose"
    assert (plan.force, plan.executive_lead, plan.operational_lead) == (
        "Ashby Police", "Chief Supt Rachel Dunn", "DI Kofi Mensah")
    assert plan.protective_marking == "OFFICIAL"
    assert [r.number for r in plan.recommendations] == ["17", "18"]
    assert plan.recommendations[0].text is not None and plan.recommendations[0].text.startswith("27 March 2025")
    ids = by_id(plan)
    a171 = _a(ids, "17.1")
    assert a171.update is not None and a171.update.endswith("Public Protection Unit by default.")
    assert "\n" in a171.update
    assert (a171.status, a171.status_raw, a171.date) == ("Action Complete", "Completed", date(2025, 2, 28))
    a181 = _a(ids, "18.1")
    assert a181.owners == ["DCI Laura Benson", "DS Marek Nowak"] and a181.progress == 60
    assert "UPDATE: second cohort" in (a181.update or "")
    assert (_a(ids, "18.2").status, _a(ids, "18.2").status_raw) == (None, "Compelte")


def test_labelled_prose_markdown() -> None:
    plan, report = import_plan(FIXTURES / "fenland_prose.md")
    assert (report.format, report.shape) == ("markdown", "labelled-prose")
    assert plan.force == "Fenland Constabulary"
    assert [r.number for r in plan.recommendations] == ["20", "22"]
    assert plan.recommendations[1].deadline == date(2025, 9, 27)
    ids = by_id(plan)
    assert _a(ids, "20.2").status == "Not Started" and _a(ids, "20.2").owner == "L&D"
    a221 = _a(ids, "22.1")
    assert a221.evidence is None and a221.date == date(2025, 7, 21) and a221.status == "In Progress"
    assert any(u.reason.startswith("a heading") for u in report.unused)


def test_narrative_page_is_refused_naming_the_shapes() -> None:
    import pytest

    from sheetsync.errors import NoPlanFoundError

    with pytest.raises(NoPlanFoundError) as info:
        import_plan(FIXTURES / "narrative.html")
    message = str(info.value)
    assert "narrative.html" in message and "key/value" in message and "tab-separated" in message


def test_website_definition_lists_with_ids_on_the_next_line() -> None:
    plan, report = import_plan(FIXTURES / "larkshire_website_dl.html")
    assert report.shape == "key-value"
    assert plan.force == "Larkshire Constabulary"  # named inside the title
    assert plan.executive_lead == "Deputy Chief Constable Neil Arkwright"
    assert [(r.number, [a.id for a in r.actions]) for r in plan.recommendations] == [("16", ["16.1"]),
                                                                                    ("18", ["18.3"])]
    assert plan.recommendations[0].text is not None and plan.recommendations[0].text.startswith("By 27 March")
    ids = by_id(plan)
    a161 = _a(ids, "16.1")
    assert a161.evidence is None and a161.owner == "OPCC Head of Commissioning"
    assert a161.update == "Joint commissioning review with the OPCC reported in February.\nNew ISAC service from April."
    a183 = _a(ids, "18.3")
    assert (a183.date, a183.date_raw, a183.status, a183.status_raw) == (None, "TBC", None, "Amber")
    assert any("TBC" in w for w in report.warnings) and any("Amber" in w for w in report.warnings)
    assert report.unused == []
    assert "Hide this page" not in (a161.update or "") + (a183.supporting_documents or "")
