"""Validation: every problem in a plan as data (a `Finding` with a stable code), never as an exception.

`validate(plan)` runs on each press of the Excel button in a fresh Python, so this package imports only the
model, the vocabulary, the catalogue and the text heuristics (no pandas, no rich).

Layout: `registry.py` (the `@rule` decorator and the code table), `rules/` (the rules, one small function
each, a module per scope), `facts.py` (what rules read), `engine.py` (`validate`), `records.py` (`Finding`,
`ValidationReport`), `output.py` (`format_findings`), `heuristics/` and `deadlines.py` (pure text checks the
rules call). To add a rule, see docs/CONTRACTS.md. The codes (this table is `registry.code_table()`; a test
holds it and the README's to the registry):

| code | severity | what it means |
| --- | --- | --- |
| missing-header-field | warning | Force, Executive Lead or Operational Lead empty; template title left unchanged |
| formula-not-calculated | error | a formula with no calculated value: its value is unknown |
| value-under-no-header | warning | a value in a column with no heading (ignored by the reader) |
| number-in-text-column | warning | a number typed into a text column |
| merged-input-cell | warning | an input cell merged over several evidence rows |
| blank-row | info | a blank row inside the grid |
| id-trimmed | info | an evidence id typed with spaces or line breaks around it |
| text-date | info | a date typed as text, read by rule |
| serial-date | info | a number in the Date column read as an Excel serial date |
| empty-plan | error | the plan has no evidence requirements at all |
| unknown-recommendation | info / warning | a number not in the catalogue (local: info); not a number (warning) |
| deadline-wording | info | a deadline written without "By" ("27 March 2025, make sure …") |
| deadline-mismatch | warning | the deadline in the recommendation text disagrees with the real one or with itself |
| truncated-text | warning | an update, evidence or recommendation text cut off mid-sentence |
| bad-action-id | error | the evidence id is not N.M after trimming |
| duplicate-action | error | the same evidence id twice |
| misplaced-action | error | the id's prefix is not the recommendation it sits under |
| unknown-action | info | an evidence id the catalogue does not have under a national recommendation (a local one) |
| hidden-row | warning | plan data in a hidden row |
| missing-evidence | warning | the evidence text is blank where the national text exists; suggestion = that text |
| evidence-mismatch | warning | the evidence text is the national text of another id (rows swapped or pasted) |
| missing-owner | warning | no owner (a cell of spaces counts as empty) |
| owner-unassigned | warning | the owner is still an addressee ("Chief Constables", "All CCs"): nobody owns it |
| missing-status | error | an evidence requirement has no status |
| unknown-status | error | the status is not in the list (typo, RAG colour, prose); suggestion = closest status |
| status-not-canonical | info | a recognised variant (case, spacing, synonym, "50 %"); suggestion = the list's word |
| bad-progress | error / warning | a percentage outside 0–100 (error); on a status other than In Progress (warning) |
| missing-update | warning | the status says started, done or BAU but there is no update |
| pending-language | warning | status done/BAU but the (latest) update describes work still to do |
| history-in-cell | info | earlier updates kept inside the cell ("… UPDATE: …") instead of dated records |
| bad-date | error / warning | unreadable or impossible (error); after as-of or before the report existed (warning) |
| overdue | warning | the deadline has passed at the as-of date and the status is not done |
| missing-date | warning | an update has no date; one plan-wide finding if none of 4 or more updates has one |
| duplicate-update | warning | the same or nearly the same update on another action |
| missing-recommendation | error | a national recommendation is absent |
| missing-action | error | a national evidence requirement is absent |
"""

from __future__ import annotations

from sheetsync.validation.engine import validate
from sheetsync.validation.output import format_findings
from sheetsync.validation.records import Finding, ValidationReport
from sheetsync.validation.registry import severity_table

SEVERITY = severity_table()
CODES: tuple[str, ...] = tuple(SEVERITY)

__all__ = ["CODES", "SEVERITY", "Finding", "ValidationReport", "format_findings", "validate"]
