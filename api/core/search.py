"""Substring search backed by a GIN index of character bigrams (see migration 0001).

PostgreSQL's text search configurations do not segment Korean, and pg_trgm is not on
every server (the embedded one lacks it), so text is indexed as bigrams: the index finds
candidates holding every bigram of the query's words, and a substring check keeps only
real matches. "학교" finds "학교에서"; matching is case-insensitive.
"""

from __future__ import annotations

import re
import string
from typing import Any, NamedTuple

from sqlalchemy import ARRAY, Text, all_, cast, func, literal, select

from api.core.errors import InvalidInput

# Must split words exactly as the SQL functions do ([[:space:][:punct:]] in the C locale).
_WORD_SPLIT = re.compile(f"[\\s{re.escape(string.punctuation)}]+")
# A plain query: only separators both Python and PostgreSQL split on (ASCII spaces and
# punctuation) and characters both lower-case alike and never split on (ASCII letters and
# digits, Hangul, CJK ideographs). Python can stand in for the SQL functions on it.
_PLAIN_QUERY = re.compile(
    f"[\\t\\n\\v\\f\\r {re.escape(string.punctuation)}"
    "0-9A-Za-z\\u1100-\\u11ff\\u3131-\\u318e\\uac00-\\ud7a3\\u4e00-\\u9fff]*"
)


def check_query(query: str) -> None:
    """The index needs a word of two or more characters to narrow anything down."""
    if "\x00" in query:
        raise InvalidInput("The search must not contain the NUL character.", field="q")
    if not any(len(w) >= 2 for w in _WORD_SPLIT.split(query.lower())):
        raise InvalidInput("Search for at least one word of two or more characters.", field="q")


def index_is_exact(query: str) -> bool:
    """Whether the bigram index alone answers `query`, with no substring check.

    It does when every word has two characters: the index holds the two-character pieces
    of each word of the lower-cased text, so a text it finds holds the word. The check
    could remove nothing, and on a common word it was half the statement. Only for plain
    queries (see query_terms); any other query keeps the check.
    """
    terms = query_terms(query)
    return terms is not None and terms.index_is_exact


class QueryTerms(NamedTuple):
    """What the SQL functions make of a query: its lower-cased words (quad_search_words)
    and the bigrams the index is asked for (quad_search_query_terms)."""

    words: list[str]
    bigrams: list[str]

    @property
    def like_patterns(self) -> list[str]:
        """A LIKE pattern per word, for the substring check."""
        return [f"%{w}%" for w in self.words]

    @property
    def index_is_exact(self) -> bool:
        return all(len(w) == 2 for w in self.words)


def query_terms(query: str) -> QueryTerms | None:
    """The query's QueryTerms made here, or None where only PostgreSQL can make them.

    The SQL functions are a good part of a catalog search's database CPU (a regexp split,
    a window and a DISTINCT each call). Python makes the same terms when the query is
    plain: it holds only characters both lower-case and split alike.
    """
    if _PLAIN_QUERY.fullmatch(query) is None:
        return None
    words = [w for w in _WORD_SPLIT.split(query.lower()) if w]
    return QueryTerms(words, sorted({w[i : i + 2] for w in words for i in range(len(w) - 1)}))


def matches(search_terms: Any, haystack: Any, query: str) -> list[Any]:
    """WHERE clauses: every word of `query` occurs in `haystack` (lower-cased text)."""
    check_query(query)
    terms = query_terms(query)
    return match_clauses(
        search_terms,
        haystack,
        query,
        substring_check=terms is None or not terms.index_is_exact,
        bigrams=None if terms is None else literal(terms.bigrams, ARRAY(Text)),
        like_patterns=None if terms is None else literal(terms.like_patterns, ARRAY(Text)),
    )


def match_clauses(
    search_terms: Any,
    haystack: Any,
    query: Any,
    *,
    substring_check: bool = True,
    bigrams: Any = None,
    like_patterns: Any = None,
) -> list[Any]:
    """The clauses of `matches` for a query given as text or as a bound parameter (a
    statement built once per process, run with many queries; the caller runs
    `check_query` on each, and may leave the substring check out where `index_is_exact`).

    `bigrams` and `like_patterns`, when given, are text[] expressions of the query's
    QueryTerms, or NULL where query_terms gave None: PostgreSQL then makes them from
    `query`. (Given as parameters, a custom plan folds the COALESCE to the parameter, so
    the SQL function is not run; a generic plan skips it at run time.)"""
    query_bigrams: Any = func.quad_search_query_terms(query)
    if bigrams is not None:
        query_bigrams = func.coalesce(bigrams, query_bigrams)
    clauses = [search_terms.contains(query_bigrams)]
    if substring_check:
        # haystack LIKE ALL ('%word%', ...): one array built once per statement, not a
        # subquery run for every candidate. Words never hold %, _ or \: they are
        # punctuation, which quad_search_words splits on.
        word = func.unnest(func.quad_search_words(query)).column_valued("w")
        patterns: Any = select(func.array_agg(literal("%") + word + literal("%"))).scalar_subquery()
        if like_patterns is not None:
            patterns = func.coalesce(like_patterns, patterns)
        # The cast makes ALL take the array, not the rows of a subquery.
        clauses.append(haystack.like(all_(cast(patterns, ARRAY(Text)))))
    return clauses
