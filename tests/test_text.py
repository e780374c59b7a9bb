"""sheetsync.text: one home for cell cleaning, markings, furniture, safe output and A1 addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.text import (
    a1,
    clean_text,
    clean_texts,
    col_letter,
    is_page_furniture,
    marking_of,
    markup_safe,
    neutralise_formula,
    parse_a1,
    strip_html,
    terminal_safe,
)


def test_a1_counts_from_one_as_excel_does() -> None:
    assert col_letter(1) == "A"
    assert col_letter(26) == "Z"
    assert col_letter(27) == "AA"
    assert col_letter(16384) == "XFD"
    assert a1(26, 7) == "G26"
    assert parse_a1("$G$26") == (26, 7)


@given(st.integers(min_value=1, max_value=1_048_576), st.integers(min_value=1, max_value=16_384))
def test_a1_round_trips(row: int, col: int) -> None:
    assert parse_a1(a1(row, col)) == (row, col)


def test_markings_in_every_form_people_write_them() -> None:
    for text in ("OFFICIAL", "OFFICIAL - SENSITIVE", "Official Sensitive", "RESTRICTED", "NOT PROTECTIVELY MARKED"):
        assert marking_of(text) == text
    assert marking_of("official") == "official"
    assert marking_of("official", as_written=True) is None  # prose, not a marking line
    assert marking_of("Officially done") is None


def test_page_furniture() -> None:
    for text in ("Page 3 of 12", "3 / 12", "3 of 12", "- 3 -", "Continued overleaf", "(continued)"):
        assert is_page_furniture(text), text
    assert not is_page_furniture("3 officers trained")


def test_cleaning_html_fragments_and_spacing() -> None:
    assert clean_text("<p>Training&nbsp;delivered</p><p>to 40  staff</p>") == "Training delivered\nto 40 staff"
    assert clean_text("   ") is None
    assert clean_text(12.0) == "12"
    assert clean_texts(["a ", None, "<b>x</b>", 3]) == ["a", None, "x", "3"]
    assert strip_html("a<br>b &amp; c") == "a\nb & c"
    assert strip_html("<Owner TBC>") == "<Owner TBC>"  # not an HTML tag: kept


def test_formulas_neutralised_for_every_starting_character() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise_formula(start + "1+1") == "'" + start + "1+1"
    assert neutralise_formula("Training delivered") == "Training delivered"


def test_terminal_and_markup_safety() -> None:
    hostile = "\x1b]0;PWNED\x07Owner\r\n"
    assert terminal_safe(hostile) == "]0;PWNEDOwner\n"
    assert terminal_safe("line one\n\tindented") == "line one\n\tindented"
    assert markup_safe("a\x00b\x1bc\nd") == "abc\nd"


def test_unescape_decodes_references_and_leaves_plain_text_alone() -> None:
    from sheetsync.text import unescape

    assert unescape("Tom &amp; Jerry&#39;s &lt;b&gt; &#x2013; &pound;5") == "Tom & Jerry's <b> \u2013 \u00a35"
    plain = "Chief Constables / Prif Gwnstabliaid"
    assert unescape(plain) is plain


def test_parse_range_gives_first_and_last_cells() -> None:
    from sheetsync.text import parse_range

    assert parse_range("A5:C9") == ((5, 1), (9, 3))
    assert parse_range("$B$2") == ((2, 2), (2, 2))
    with pytest.raises(ValueError, match="not an A1 address"):
        parse_range("A5:nine")
