"""The catalogue is the one source of the recommendations; the columns are the one source of headings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_model import assert_strict

import sheetsync
from sheetsync.catalogue import catalogue, catalogue_from_json
from sheetsync.columns import COLUMNS, match_header_label, match_heading


def test_fifteen_recommendations_thirty_nine_requirements() -> None:
    cat = catalogue()
    assert cat.numbers() == ["7", "10", "11", "12", "13", "14", "16", "17", "18", "20", "22", "23", "25", "27",
                             "28"]
    ids = cat.evidence_ids()
    assert len(ids) == 39 and len(set(ids)) == 39
    assert all(i.partition(".")[0] == r.number for r in cat.recommendations for i in (e.id for e in r.evidence))
    assert [e.id for e in cat.recommendations[-1].evidence] == ["28.1"]


def test_deadlines_from_publication_rules() -> None:
    cat = catalogue()
    assert cat.report.published == date(2024, 9, 27)
    assert cat.rule_date("56d") == date(2024, 11, 22)
    assert cat.rule_date("6m") == date(2025, 3, 27)
    assert cat.rule_date("12m") == date(2025, 9, 27)
    assert cat.get("22").deadline == date(2025, 9, 27)  # type: ignore[union-attr]
    assert cat.get("27").deadline == date(2024, 11, 22)  # type: ignore[union-attr]
    assert cat.get("28").deadlines == [date(2024, 11, 22), date(2025, 3, 27)]  # type: ignore[union-attr]
    assert cat.get("99") is None


def test_catalogue_text_states_its_own_deadline() -> None:
    for rec in catalogue().recommendations:
        words = f"{rec.deadline.day} {rec.deadline:%B %Y}"
        assert rec.text.startswith("By ") and words in rec.text, rec.number


def test_owner_defaults() -> None:
    cat = catalogue()
    assert cat.is_owner_default(" chief  constables ")
    assert cat.is_owner_default("CCs, PCCs and their mayor equivalents")
    assert not cat.is_owner_default("DI Sam Patel")


def test_every_heading_matches_its_own_field() -> None:
    for column in COLUMNS:
        assert match_heading(column.heading) == column.field
        for alias in column.aliases:
            assert match_heading(alias) == column.field, alias


def test_real_world_headings() -> None:
    assert match_heading("Recomendation") == "rec_text"
    assert match_heading("Rec. Owner") == "owner"
    assert match_heading("March 2025 update") == "update"
    assert match_heading("Initial action plan response") == "update"
    assert match_heading("Update date") == "date"
    assert match_heading("Sub recommendation/") == "evidence"
    assert match_heading("Recommendation number") == "rec_number"
    assert match_heading("Favourite colour") is None
    assert match_header_label("Strategic / Executive Lead:") == "executive_lead"
    assert match_header_label("Operational lead") == "operational_lead"


def test_catalogue_holds_the_types_it_declares() -> None:
    """catalogue() builds plain records from catalogue.json (no pydantic on a cold start): every value is of its
    field's type, dates are dates, and the lookups agree with the lists."""
    data = json.loads((Path(sheetsync.__file__).with_name("catalogue.json")).read_text(encoding="utf-8"))
    built = catalogue_from_json(json.loads(json.dumps(data)))
    assert_strict(built)
    assert built.get("7") is built.recommendations[[r.number for r in built.recommendations].index("7")]
    assert built.evidence("7.1") == built.get("7").evidence[0]  # type: ignore[union-attr]
    cached = catalogue()
    assert_strict(cached)
    assert all(rec.deadlines == [cached.rule_date(rule) for rule in rec.deadline_rules]
               for rec in cached.recommendations)


def test_catalogue_json_with_an_unknown_key_is_refused() -> None:
    data = json.loads((Path(sheetsync.__file__).with_name("catalogue.json")).read_text(encoding="utf-8"))
    data["recommendations"][0]["evidence"][0]["colour"] = "red"
    with pytest.raises(TypeError, match="colour"):
        catalogue_from_json(data)
