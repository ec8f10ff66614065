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

from sqlalchemy import ARRAY, Text, all_, cast, func, literal, select

from api.core.errors import InvalidInput

# Must split words exactly as the SQL functions do ([[:space:][:punct:]] in the C locale).
_WORD_SPLIT = re.compile(f"[\\s{re.escape(string.punctuation)}]+")
# index_is_exact: separators both Python and PostgreSQL split on (ASCII spaces and
# punctuation), and characters both lower-case alike and never split on (ASCII letters and
# digits once lower-cased, Hangul, CJK ideographs).
_ASCII_SEPARATORS = f"[\\t\\n\\v\\f\\r {re.escape(string.punctuation)}]"
_PLAIN_CHARACTER = "[0-9a-z\\u1100-\\u11ff\\u3131-\\u318e\\uac00-\\ud7a3\\u4e00-\\u9fff]"
_TWO_CHARACTER_WORDS = re.compile(
    f"{_ASCII_SEPARATORS}*(?:{_PLAIN_CHARACTER}{{2}}(?:{_ASCII_SEPARATORS}+|$))+"
)


def check_query(query: str) -> None:
    """The index needs a word of two or more characters to narrow anything down."""
    if "\x00" in query:
        raise InvalidInput("The search must not contain the NUL character.", field="q")
    if not any(len(w) >= 2 for w in _WORD_SPLIT.split(query)):
        raise InvalidInput("Search for at least one word of two or more characters.", field="q")


def index_is_exact(query: str) -> bool:
    """Whether the bigram index alone answers `query`, with no substring check.

    It does when every word has two characters: the index holds the two-character pieces
    of each word of the lower-cased text, so a text it finds holds the word. The check
    could remove nothing, and on a common word it was half the statement (3,000 candidate
    courses: 5 ms of SQL, 2.5 ms without it). Only for characters Python and PostgreSQL
    lower-case and split alike; any other query keeps the check.
    """
    return _TWO_CHARACTER_WORDS.fullmatch(query.lower()) is not None


def matches(search_terms: Any, haystack: Any, query: str) -> list[Any]:
    """WHERE clauses: every word of `query` occurs in `haystack` (lower-cased text)."""
    check_query(query)
    return match_clauses(search_terms, haystack, query, substring_check=not index_is_exact(query))


def match_clauses(
    search_terms: Any, haystack: Any, query: Any, *, substring_check: bool = True
) -> list[Any]:
    """The clauses of `matches` for a query given as text or as a bound parameter (a
    statement built once per process, run with many queries; the caller runs
    `check_query` on each, and may leave the substring check out where `index_is_exact`)."""
    clauses = [search_terms.contains(func.quad_search_query_terms(query))]
    if substring_check:
        # haystack LIKE ALL ('%word%', ...): one array built once per statement, not a
        # subquery run for every candidate. Words never hold %, _ or \: they are
        # punctuation, which quad_search_words splits on.
        word = func.unnest(func.quad_search_words(query)).column_valued("w")
        patterns = select(func.array_agg(literal("%") + word + literal("%"))).scalar_subquery()
        # The cast makes ALL take the array, not the rows of a subquery.
        clauses.append(haystack.like(all_(cast(patterns, ARRAY(Text)))))
    return clauses
