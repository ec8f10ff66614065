"""The SQL behind each request, as figures: the benchmark sends each request type once
through FastAPI's TestClient in its own process, against the seeded database, and counts
the statements the code sends, what pg8000 puts on the wire (BEGIN/COMMIT, the pool's
ping) and the protocol round trips; it EXPLAIN ANALYZEs each read's own statement (its
generic plan too) and the catalog search's statement for 60 of the load's terms.

What these must be (one statement per board page, no transaction around a read, the
indexes each plan uses) is asserted by the tests: tests/api/test_query_counts.py and
tests/api/test_query_plans.py.
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from bench_common import say

from apibench.scenarios import CONDITIONAL, COURSE_KEYS, READS, SQL_KEYS
from apibench.workload import Request, Workload, build_requests, tag_requests


@dataclass
class SqlCount:
    app: int  # statements SQLAlchemy sends: the SQL queries of the request
    wire: int  # + BEGIN / COMMIT / ROLLBACK and the pool's pre-ping
    round_trips: int  # pg8000 protocol round trips
    status: int
    kinds: dict[str, int]
    statements: list[str] = field(default_factory=list)  # the app's statements, abridged


def sql_figures(workload: Workload, rng: random.Random) -> dict[str, Any]:
    """Send each request type once through TestClient here, counting its SQL; EXPLAIN
    ANALYZE each read's own statement and the catalog search's for 60 of the load's terms.
    Returns {"sql": {key: SqlCount}, "explain": {key: plan}, "search_sql": [...]}."""
    import pg8000.core
    from sqlalchemy import event

    with warnings.catch_warnings():  # the TestClient's note about its httpx version
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from api.main import create_app
    from infra import database

    state = {"app": 0, "wire": 0, "rt": 0, "kinds": Counter(), "captured": []}
    core = pg8000.core.CoreConnection
    # A statement goes out as simple query, unnamed (parse, bind, execute) or, once
    # infra/pg8000_tuning.py has prepared it on the connection, named (bind, execute).
    executors = ("execute_simple", "execute_unnamed", "execute_named")
    originals = {name: getattr(core, name) for name in executors}
    originals["handle_messages"] = core.handle_messages

    def counting(name: str) -> Callable[..., Any]:
        original = originals[name]

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            # execute_named(name, params, columns, input_funcs, statement)
            statement = args[4] if name == "execute_named" else args[0]
            state["wire"] += 1
            verb = statement.split(None, 1)[0].upper() if statement.strip(" ;") else "PING"
            state["kinds"][verb] += 1  # the pool's pre-ping is an empty statement
            return original(self, *args, **kwargs)

        return wrapper

    def round_trip(self: Any, *args: Any, **kwargs: Any) -> Any:
        state["rt"] += 1
        return originals["handle_messages"](self, *args, **kwargs)

    def before(_conn, _cursor, statement, parameters, _context, _many) -> None:
        state["app"] += 1
        state["captured"].append((statement, parameters))

    results: dict[str, Any] = {"sql": {}, "explain": {}}
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request
    for name in executors:
        setattr(core, name, counting(name))
    core.handle_messages = round_trip
    try:
        app = create_app()
        logging.getLogger().setLevel(logging.WARNING)  # event handlers log each event at INFO
        engine = database.get_engine()
        event.listen(engine, "before_cursor_execute", before)
        keys = [
            k for k in SQL_KEYS if workload.courses or k not in (*COURSE_KEYS, "add_course_clash")
        ]
        # In process, "add course" is one that fits; "add course (409)" one that clashes.
        samples = {
            key: build_requests("add_course_fit" if key == "add_course" else key, workload, 2, rng)
            for key in keys
        }
        with TestClient(app, raise_server_exceptions=False) as client:
            for key in CONDITIONAL:
                if key in samples:
                    samples[key] = tag_requests(samples[key], lambda r: send(client, r))
            for key, (warm, measured) in samples.items():
                send(client, warm)
                for k in ("app", "wire", "rt"):
                    state[k] = 0
                state["kinds"] = Counter()
                state["captured"] = []
                response = send(client, measured)
                results["sql"][key] = SqlCount(
                    state["app"], state["wire"], state["rt"], response.status_code,
                    dict(state["kinds"]), [abridge(c[0]) for c in state["captured"]],
                )  # fmt: skip
                captured = list(state["captured"])  # EXPLAIN below goes through the hook too
                if key in READS and captured:
                    # The page's own statement is the longest one.
                    main_sql = max(captured, key=lambda c: len(c[0]))
                    results["explain"][key] = explain(engine, *main_sql)
            if workload.courses:
                state["captured"] = []
                results["search_sql"] = explain_searches(client, engine, workload, state)
        event.remove(engine, "before_cursor_execute", before)
    finally:
        for name, original in originals.items():
            setattr(core, name, original)
        database.dispose_engine()
    return results


def explain_searches(
    client: Any, engine: Any, workload: Workload, state: dict[str, Any], n: int = 60
) -> list[dict[str, Any]]:
    """The search statement of `n` catalog searches (the load's terms), EXPLAIN ANALYZEd:
    how long the SQL takes for common and rare terms, and which plan each one gets."""
    out = []
    for method, path, token, body in build_requests("catalog_search", workload, n, random.Random()):
        state["captured"] = []
        response = send(client, (method, path, token, body))
        if response.status_code != 200 or not state["captured"]:
            say(f"  (catalog search {unquote(path)} answered {response.status_code})")
            continue
        statement, params = max(state["captured"], key=lambda c: len(c[0]))
        ex = explain(engine, statement, params)
        scanned = [
            int(m.group(1))
            for line in ex["plan"]
            if " on courses" in line and (m := re.search(r"actual time=\S+ rows=(\d+)", line))
        ]
        out.append(
            {
                "term": unquote(urlsplit(path).query.split("q=", 1)[1]),
                "status": response.status_code,
                "results": len(response.json().get("items", [])),
                "courses_rows": max(scanned, default=0),
                "execution_ms": ex["execution_ms"],
                "indexes": ex["indexes"],
                "plan": ex["plan"],
            }
        )
    return sorted(out, key=lambda r: r["execution_ms"] or 0.0)


def abridge(statement: str) -> str:
    """`SELECT ... FROM posts JOIN users ...`: the verb and the tables, for the report."""
    flat = " ".join(statement.split())
    verb = flat.split(" ", 1)[0].upper()
    tables = re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", flat, flags=re.IGNORECASE)
    keywords = {"SELECT", "SKIP", "NOWAIT", "OF"}  # FOR UPDATE SKIP LOCKED is no table
    return f"{verb} {' '.join(dict.fromkeys(t for t in tables if t.upper() not in keywords))}"


def send(client: Any, request: Request) -> Any:
    """`request` through `client` (FastAPI's TestClient, or an httpx.Client on the server)."""
    method, target, token, body, *extra = request
    headers = {"Authorization": f"Bearer {token}"}
    if body:
        headers["Content-Type"] = "application/json"
    headers.update(line.split(": ", 1) for line in extra)
    return client.request(method, target, headers=headers, content=body or None)


def explain(engine: Any, statement: str, parameters: Any) -> dict[str, Any]:
    """A read's statement as the app sent it, under EXPLAIN ANALYZE twice (the second is
    warm), and its generic plan; in a transaction that is rolled back."""
    with engine.connect() as conn:
        for _ in range(2):
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        plan = [r[0] for r in rows]
        generic = generic_plan(conn, statement)
    text = "\n".join(plan)
    timing = re.search(r"Execution Time: ([\d.]+) ms", text)
    return {
        "sql": statement,
        "plan": plan,
        "indexes": plan_indexes(text),
        "execution_ms": float(timing.group(1)) if timing else None,
        "generic_plan": generic,
    }


def plan_indexes(plan_text: str) -> list[str]:
    return sorted(set(re.findall(r"Index (?:Only )?Scan (?:using|on) (\w+)", plan_text)))


def generic_plan(conn: Any, statement: str) -> list[str] | None:
    """The plan PostgreSQL keeps once it settles on a generic one (the API's connections
    leave plan_cache_mode at auto): EXPLAIN (GENERIC_PLAN), PostgreSQL 16's, planned but
    not run. None when PostgreSQL cannot infer the parameters' types on its own."""
    numbers = itertools.count(1)
    numbered = re.sub(r"%s", lambda _: f"${next(numbers)}", statement).replace("%%", "%")
    try:  # no values: pg8000 sends it as it is, as a simple query
        return [r[0] for r in conn.exec_driver_sql("EXPLAIN (GENERIC_PLAN) " + numbered)]
    except Exception:  # reported as "not made"; the run goes on
        conn.rollback()
        return None
