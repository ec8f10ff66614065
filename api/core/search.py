"""Substring search backed by a GIN index of character bigrams (see migration 0001).

PostgreSQL's text search configurations do not segment Korean, and pg_trgm is not on
every server (the embedded one lacks it), so text is indexed as bigrams: the index finds
candidates holding every bigram of the query's words, and a substring check keeps only
real matches. "학교" finds "학교에서"; matching is case-insensitive.
"""

from __future__ import annotations

import re
import string
from typing import Any

from sqlalchemy import func, select

from api.core.errors import InvalidInput

# Must split words exactly as the SQL functions do ([[:space:][:punct:]] in the C locale).
_WORD_SPLIT = re.compile(f"[\\s{re.escape(string.punctuation)}]+")


def check_query(query: str) -> None:
    """The index needs a word of two or more characters to narrow anything down."""
    if "\x00" in query:
        raise InvalidInput("The search must not contain the NUL character.", field="q")
    if not any(len(w) >= 2 for w in _WORD_SPLIT.split(query)):
        raise InvalidInput("Search for at least one word of two or more characters.", field="q")


def matches(search_terms: Any, haystack: Any, query: str) -> list[Any]:
    """WHERE clauses: every word of `query` occurs in `haystack` (lower-cased text)."""
    check_query(query)
    return match_clauses(search_terms, haystack, query)


def match_clauses(search_terms: Any, haystack: Any, query: Any) -> list[Any]:
    """The clauses of `matches` for a query given as text or as a bound parameter (a
    statement built once per process, run with many queries; the caller runs
    `check_query` on each)."""
    word = func.unnest(func.quad_search_words(query)).column_valued("w")
    return [
        search_terms.contains(func.quad_search_query_terms(query)),
        ~select(1).where(func.strpos(haystack, word) == 0).exists(),
    ]
