"""The search's query side: what the bigram index alone answers, and the query terms
Python makes in place of the SQL functions (they must be PostgreSQL's to the letter)."""

import random

import pytest
from sqlalchemy import func, select

from api.core.search import index_is_exact, query_terms


@pytest.mark.parametrize(
    ("query", "exact"),
    [
        ("이해", True),
        ("ab", True),
        ("AB", True),
        ("이해 실습", True),
        (" ab-cd. ", True),
        ("a1", True),
        ("abc", False),  # three characters: all its pairs can sit in a text without it
        ("이해 a", False),  # a one-character word is only checked by the substring test
        ("이해하다", False),
        ("İs", False),  # Python and PostgreSQL lower-case it differently
        ("ßa", False),
        ("이해\u00a0실습", False),  # a space only one of them may split on
        ("이해\u3000실습", False),
        ("é1", False),
    ],
)
def test_which_queries_the_index_answers_alone(query, exact):
    assert index_is_exact(query) is exact


def test_python_makes_the_terms_postgresql_would(db):
    # Every query Python takes on must give the SQL functions' bigrams and words; the
    # others it must leave to PostgreSQL. Random queries over plain characters, upper
    # case, separators and characters the two lower-case or split differently.
    rng = random.Random(11)
    alphabet = "abAZ09이해가힣漢字ㄱ -._%\t\n/" + "İßÉé\u00a0\u3000\u212a·。"
    queries = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(400)]
    queries += ["Data Structures", "CSE3080", "김 민지", "이해 E", "ka", "\u212aa"]
    taken = 0
    for q in queries:
        terms = query_terms(q)
        if terms is None:
            continue
        taken += 1
        bigrams, words = db.execute(
            select(func.quad_search_query_terms(q), func.quad_search_words(q))
        ).one()
        assert terms.bigrams == sorted(bigrams), q
        assert terms.like_patterns == [f"%{w}%" for w in words], q
    assert taken > 100  # the alphabet gives plenty of plain queries


@pytest.mark.parametrize("query", ["İs", "ßa", "é1", "\u212aa", "이해\u00a0실습", "가·나"])
def test_queries_only_postgresql_can_split_are_left_to_it(query):
    assert query_terms(query) is None
