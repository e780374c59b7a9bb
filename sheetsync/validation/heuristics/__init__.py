"""Text heuristics for free-text cells: pending language, truncation, history in one cell, copied updates.

Pure functions on strings (no plan types), so they can be measured on a labelled corpus
(tests/test_heuristics.py asserts precision and recall floors). Tuned to catch real defects while staying
quiet on ordinary process descriptions ("victims will be referred", "will continue to", "reviewed annually").
"""

from sheetsync.validation.heuristics.duplicates import DuplicateMatches, Similar, duplicate_matches, near_duplicates
from sheetsync.validation.heuristics.history import history_markers, latest_section
from sheetsync.validation.heuristics.pending import pending_in_latest, pending_phrase
from sheetsync.validation.heuristics.truncation import truncation_reason

__all__ = ["DuplicateMatches", "Similar", "duplicate_matches", "history_markers", "latest_section", "near_duplicates",
           "pending_in_latest", "pending_phrase", "truncation_reason"]
