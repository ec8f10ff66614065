"""Quad events benchmark (issue 4): the functions' handlers, the outbox relay, images.

    .venv/bin/python benchmarks/events_bench.py                       # everything
    .venv/bin/python benchmarks/events_bench.py --parts image         # one part
    .venv/bin/python benchmarks/events_bench.py --scale 0.02 --data-dir /tmp/quad-bench

1. Handlers. The moderation (`api.reports.handlers.content_reported`) and notification
   (`api.notifications.handlers.comment_created`) handlers, called in this one process as
   the functions call them, against api_bench.py's seeded PostgreSQL (reused, or seeded
   first). Each event is the CloudEvent the API publishes
   (`api.outbox.service.to_cloudevent` of an outbox row) inside the `messagePublished`
   CloudEvent Pub/Sub pushes, built with the cloudevents SDK. Sequentially and from several
   threads (fresh events each run), the same events again (duplicates), and once through
   functions-framework's own app (binary-mode HTTP, in process). Reports are inserted first
   so the moderation rule has reporters to count.
2. Outbox relay. Rows recorded -> published (`api.outbox.service`): one event per
   transaction relayed after its commit, as a request does, and a backlog drained by the
   sweep; to the in-process bus and to the Pub/Sub emulator (gcloud SDK, loopback port),
   checking that every event arrived.
3. Images. `api.uploads.images.sanitize_image` on a 4000x3000 JPEG with EXIF GPS, each
   run in a fresh interpreter: time, and peak memory (ru_maxrss) minus that of an idle
   interpreter with the same imports.

What it writes to the database (reports, notifications, outbox rows, hidden posts) is
undone at the end and again before the next run of either benchmark.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import itertools
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from apibench import seed as api_seed
from bench_common import (
    BENCH_DIR,
    HEADER,
    ROOT,
    Cleanup,
    CopyStream,
    CpuMeter,
    TimestampText,
    connect,
    interrupt,
    lock_data_dir,
    machine,
    normalise_url,
    query,
    say,
    start_embedded,
    text_table,
    uuid7_text,
)

PARTS = ("handlers", "relay", "image")
PROJECT = "quad-bench"  # the Pub/Sub project the events claim to come from
BUSY = 0.15  # cores used by other processes above which a figure is marked "machine busy"
HANDLER_TARGET = 500  # events per second per handler, one process (issue 4)
IMAGE_SIZE = (4000, 3000)
IMAGE_SECONDS_TARGET = 1.0
IMAGE_MIB_TARGET = 256  # the default function memory
WAIT_QUIET = [0.0]  # --wait-quiet, for every measurement


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    p.add_argument("--events", type=int, default=3000, help="events per handler run")
    p.add_argument("--threads", default="1,4", help="thread counts to run the handlers with")
    p.add_argument("--relay-events", type=int, default=2000, help="outbox rows per relay run")
    p.add_argument("--image-runs", type=int, default=3, help="fresh interpreters per image")
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement, wait up to this long for other processes to use "
        "under 0.1 cores (a shared machine)",
    )
    g = p.add_argument_group("database (api_bench.py's data set)")
    g.add_argument("--scale", type=float, default=1.0, help="as api_bench.py --scale")
    g.add_argument("--seed", type=int, default=42, help="as api_bench.py --seed")
    g.add_argument("--data-dir", type=Path, default=BENCH_DIR / ".data")
    g.add_argument("--database-url", help="use this PostgreSQL instead of an embedded one")
    g.add_argument("--force", action="store_true", help="as api_bench.py --force")
    p.add_argument("--json", type=Path, help="also write the results here (JSON)")
    args = p.parse_args(argv)
    unknown = set(args.parts.split(",")) - set(PARTS)
    if unknown:
        p.error(f"unknown parts: {', '.join(sorted(unknown))}")
    args.thread_counts = [int(t) for t in args.threads.split(",")]
    return args


# --- events as Pub/Sub delivers them ------------------------------------------------------

_message_ids = itertools.count(17_000_000_000_000_000)


def outbox_event(type_: Any, subject: str, data: dict[str, Any]) -> Any:
    """An outbox row as `outbox.record` makes it (not stored)."""
    from api.core.db import utcnow
    from api.core.ids import new_id
    from api.outbox.models import OutboxEvent
    from api.outbox.types import TOPICS

    return OutboxEvent(
        id=new_id(),
        topic=TOPICS[type_],
        type=str(type_),
        subject=subject,
        ordering_key="/".join(subject.split("/")[:2]),
        data=data,
        created_at=utcnow(),
    )


def pubsub_delivery(event: Any) -> Any:
    """The `messagePublished` CloudEvent a function gets for this outbox row: the API's
    structured CloudEvent, base64 in `message.data`, as Eventarc pushes it."""
    from cloudevents.http import CloudEvent

    from api.outbox.envelope import PUBSUB_PUBLISHED
    from api.outbox.service import to_cloudevent

    message_id = str(next(_message_ids))
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    topic = f"quad-{event.topic}"
    return CloudEvent(
        {
            "id": message_id,
            "type": PUBSUB_PUBLISHED,
            "source": f"//pubsub.googleapis.com/projects/{PROJECT}/topics/{topic}",
            "time": now,
            "datacontenttype": "application/json",
        },
        {
            "message": {
                "data": base64.b64encode(to_cloudevent(event)).decode(),
                "attributes": {"ce-type": event.type, "ce-id": str(event.id)},
                "messageId": message_id,
                "publishTime": now,
                "orderingKey": event.ordering_key,
            },
            "subscription": f"projects/{PROJECT}/subscriptions/{topic}-fn",
        },
    )


# --- handler runs -----------------------------------------------------------------------


@dataclass
class Run:
    what: str
    threads: int
    events: int
    seconds: float
    per_s: float
    p50_ms: float
    p99_ms: float
    outcomes: dict[str, int]
    cpu: dict[str, float] = field(default_factory=dict)
    checked: str = ""  # what was verified in the database afterwards
    ok: bool = True
    statements: int = 0  # SQL statements the code sent (SQLAlchemy), all events together

    def cpu_us(self, part: str) -> float:
        return self.cpu.get(part, 0.0) / self.per_s * 1e6 if self.per_s else 0.0


def timed(
    what: str, handle: Callable[[Any], str], items: list[Any], threads: int, meter: CpuMeter
) -> Run:
    """Call `handle` for every item from `threads` threads; events per second, latency,
    CPU (this process, PostgreSQL, others) and SQL statements."""
    from sqlalchemy import event

    from infra import database

    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1  # under the GIL: one bytecode increment is enough here

    latencies: list[list[float]] = [[] for _ in range(threads)]
    outcomes: list[Counter[str]] = [Counter() for _ in range(threads)]
    errors: list[BaseException] = []

    def work(k: int) -> None:
        lat, out = latencies[k], outcomes[k]
        perf = time.perf_counter
        try:
            for item in items[k::threads]:
                t0 = perf()
                out[handle(item)] += 1
                lat.append(perf() - t0)
        except BaseException as exc:
            errors.append(exc)

    meter.wait_idle()
    if WAIT_QUIET[0]:
        meter.wait_quiet(WAIT_QUIET[0])
    engine = database.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    meter.start()
    started = time.perf_counter()
    try:
        if threads == 1:
            work(0)
        else:
            pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
    finally:
        seconds = time.perf_counter() - started
        cpu = meter.stop()
        event.remove(engine, "before_cursor_execute", count)
    if errors:
        raise errors[0]
    every = sorted(x for lat in latencies for x in lat)
    total: Counter[str] = sum(outcomes, Counter())
    n = len(every)
    return Run(
        what,
        threads,
        n,
        seconds,
        n / seconds,
        every[n // 2] * 1000 if n else 0.0,
        every[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
        dict(total),
        cpu,
        statements=statements[0],
    )


class Campus:
    """Posts, users and comments of the seeded data set to build events from; each run
    takes fresh ones, so no event repeats an earlier run's effect."""

    def __init__(self, url: str, rng: random.Random, posts: int, comments: int) -> None:
        from infra.settings import get_settings

        conn = connect(url)
        try:
            total = query(conn, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'posts'")
            percent = min(100.0, 100.0 * 3 * posts / max(total[0][0], 1))
            self.posts = [
                (str(p), str(a), str(s))
                for p, a, s in query(
                    conn,
                    f"SELECT id, author_id, school_id FROM posts TABLESAMPLE BERNOULLI ({percent})"
                    " REPEATABLE (%s) WHERE hidden_at IS NULL LIMIT %s",
                    (rng.randrange(1 << 30), posts),
                )
            ]
            # Reporters whose reports count toward hiding (old enough), so that the posts
            # given the threshold's number of reports are the ones that must be hidden.
            self.users = [
                str(r[0])
                for r in query(
                    conn,
                    "SELECT id FROM users WHERE created_at <= now() - make_interval(secs => %s)"
                    " ORDER BY id",
                    (get_settings().report_min_account_age_hours * 3600,),
                )
            ]
            total = query(conn, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'comments'")
            percent = min(100.0, 100.0 * 3 * comments / max(total[0][0], 1))
            # The handler's own reads, to know whom it must notify.
            self.comments = [
                tuple(str(v) if v is not None and not isinstance(v, bool) else v for v in row)
                for row in query(
                    conn,
                    f"""SELECT c.id, c.post_id, c.parent_id, c.author_id, c.anonymous,
                               p.school_id, p.author_id, pc.author_id
                        FROM comments c TABLESAMPLE BERNOULLI ({percent}) REPEATABLE (%s)
                        JOIN posts p ON p.id = c.post_id
                        LEFT JOIN comments pc ON pc.id = c.parent_id
                        WHERE c.deleted_at IS NULL LIMIT %s""",
                    (rng.randrange(1 << 30), comments),
                )
            ]
        finally:
            conn.close()
        rng.shuffle(self.posts)
        rng.shuffle(self.comments)
        self.rng = rng

    def take_posts(self, n: int) -> list[tuple[str, str, str]]:
        taken, self.posts = self.posts[:n], self.posts[n:]
        if len(taken) < n:
            raise RuntimeError("not enough sample posts left: lower --events")
        return taken

    def take_comments(self, n: int) -> list[tuple]:
        taken, self.comments = self.comments[:n], self.comments[n:]
        if len(taken) < n:
            raise RuntimeError("not enough sample comments left: lower --events")
        return taken


REASONS = ("spam", "abuse", "hate", "sexual", "illegal", "privacy", "misinformation", "other")


def moderation_events(url: str, campus: Campus, n: int) -> tuple[list[Any], dict[str, int]]:
    """About n report events: reports are stored first (as the report request does), one
    event per report. Most reported posts get one report; 15% reach the threshold."""
    from api.outbox.types import EventType

    rng = campus.rng
    counts: list[int] = []
    while sum(counts) < n:
        r = rng.random()
        counts.append(1 if r < 0.6 else 2 if r < 0.75 else rng.randint(3, 4) if r < 0.85 else 5)
        if counts[-1] == 5:
            counts[-1] = rng.randint(5, 7)
    posts = campus.take_posts(len(counts))
    ts, now = TimestampText(), time.time()
    reports = CopyStream(
        url, "reports", "id, target_type, target_id, reporter_id, reason, created_at"
    )
    events = []
    reporters_of: dict[str, int] = {}
    for (post_id, author, school), k in zip(posts, counts, strict=True):
        reporters = [u for u in rng.sample(campus.users, k + 1) if u != author][:k]
        reporters_of[post_id] = len(reporters)
        for reporter in reporters:
            report_id = uuid7_text(now, rng.getrandbits)
            reason = rng.choice(REASONS)
            reports.add(f"{report_id}\tpost\t{post_id}\t{reporter}\t{reason}\t{ts(now)}")
            report_uuid = str(UUID(report_id))
            events.append(
                outbox_event(
                    EventType.content_reported,
                    f"posts/{post_id}",
                    {
                        "report_id": report_uuid,
                        "target_type": "post",
                        "target_id": post_id,
                        "school_id": school,
                        "reporter_id": reporter,
                        "reason": reason,
                    },
                )
            )
    reports.close()
    rng.shuffle(events)  # reports of one post arrive among others'
    return [pubsub_delivery(e) for e in events], reporters_of


def comment_events(campus: Campus, n: int) -> tuple[list[Any], int]:
    """n comment events for seeded comments; and how many notifications they must write."""
    from api.outbox.types import EventType

    events = []
    expected = 0
    for (
        cid,
        post_id,
        parent_id,
        author,
        anonymous,
        school,
        post_author,
        parent_author,
    ) in campus.take_comments(n):
        expected += len({post_author, parent_author} - {author, None})
        events.append(
            outbox_event(
                EventType.comment_created,
                f"posts/{post_id}/comments/{cid}",
                {
                    "comment_id": cid,
                    "post_id": post_id,
                    "parent_id": parent_id,
                    "school_id": school,
                    "author_id": author,
                    "anonymous": anonymous,
                },
            )
        )
    return [pubsub_delivery(e) for e in events], expected


def check_moderation(url: str, reporters_of: dict[str, int]) -> tuple[str, bool]:
    from infra.settings import get_settings

    threshold = get_settings().report_hide_threshold
    due = sorted(p for p, k in reporters_of.items() if k >= threshold)
    conn = connect(url)
    try:
        hidden = query(
            conn,
            "SELECT count(*) FROM posts WHERE id = ANY(%s::uuid[]) AND hidden_at IS NOT NULL",
            (list(reporters_of),),
        )[0][0]
        actions = query(
            conn,
            "SELECT count(*) FROM moderation_actions WHERE target_id = ANY(%s::uuid[])",
            (list(reporters_of),),
        )[0][0]
    finally:
        conn.close()
    ok = hidden == actions == len(due)
    return (
        f"{len(reporters_of):,} posts reported, {len(due):,} at the threshold ({threshold}): "
        f"{hidden:,} hidden, {actions:,} moderation records",
        ok,
    )


def check_notifications(url: str, events: list[Any], expected: int) -> tuple[str, bool]:
    ids = [e.data["message"]["attributes"]["ce-id"] for e in events]
    conn = connect(url)
    try:
        written = query(
            conn, "SELECT count(*) FROM notifications WHERE event_id = ANY(%s::uuid[])", (ids,)
        )[0][0]
    finally:
        conn.close()
    return f"{written:,} notifications written, {expected:,} due", written == expected


def framework_handler(target: str, log_path: Path) -> Callable[[Any], str]:
    """The function as Cloud Run serves it: functions-framework's app, given the event
    as an HTTP request in binary content mode (in process, through its WSGI app)."""
    import functions_framework
    from cloudevents.conversion import to_binary

    app = functions_framework.create_app(target=target, source=str(ROOT / "functions" / "main.py"))
    log_like_a_function(log_path)  # main.py configured logging to stdout when it loaded
    client = app.test_client()

    def handle(event: Any) -> str:
        headers, body = to_binary(event)
        return f"HTTP {client.post('/', headers=headers, data=body).status_code}"

    return handle


def log_like_a_function(path: Path) -> None:
    """JSON log lines at INFO, as a deployed function writes them, but into a file."""
    from infra.logging import CloudLoggingFormatter

    handler = logging.FileHandler(path, encoding="utf-8")  # appends: emptied by run()
    handler.setFormatter(CloudLoggingFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def run_handlers(url: str, args: argparse.Namespace, meter: CpuMeter, log_path: Path) -> list[Run]:
    from api.notifications.handlers import comment_created
    from api.reports.handlers import content_reported

    rng = random.Random(args.seed + 11)
    runs_each = len(args.thread_counts) + 1  # + functions-framework
    say(f"  sampling posts and comments for {runs_each} runs of {args.events:,} events each")
    campus = Campus(url, rng, args.events * runs_each, args.events * runs_each)
    runs: list[Run] = []

    def show(r: Run) -> None:
        outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(r.outcomes.items()))
        say(
            f"  {r.what:<40} {r.threads} thread{'s' if r.threads > 1 else ' '} "
            f"{r.per_s:>6,.0f}/s  p50 {r.p50_ms:4.1f} ms  p99 {r.p99_ms:5.1f} ms  CPU/event "
            f"{r.cpu_us('benchmark'):,.0f} + PG {r.cpu_us('postgres'):,.0f} us  SQL/event "
            f"{r.statements / max(r.events, 1):.1f}  others {r.cpu.get('others', 0):.2f} cores"
            f"\n      ({outcomes}; {r.checked})" + ("" if r.ok else "  CHECK FAILED")
        )
        runs.append(r)

    last: dict[str, tuple[list[Any], Any]] = {}
    for threads in args.thread_counts:
        events, reporters_of = moderation_events(url, campus, args.events)
        r = timed("moderation (on_content_reported)", content_reported, events, threads, meter)
        r.checked, r.ok = check_moderation(url, reporters_of)
        show(r)
        last["moderation"] = (events, reporters_of)
        events, expected = comment_events(campus, args.events)
        r = timed("notifications (on_comment_created)", comment_created, events, threads, meter)
        r.checked, r.ok = check_notifications(url, events, expected)
        show(r)
        last["notifications"] = (events, expected)

    # Pub/Sub delivers at least once: the same events again change nothing.
    events, reporters_of = last["moderation"]
    r = timed("moderation, the same events again", content_reported, events, 1, meter)
    r.checked, r.ok = check_moderation(url, reporters_of)
    r.ok = r.ok and set(r.outcomes) == {"duplicate"}
    show(r)
    events, expected = last["notifications"]
    r = timed("notifications, the same events again", comment_created, events, 1, meter)
    r.checked, r.ok = check_notifications(url, events, expected)
    r.ok = r.ok and set(r.outcomes) == {"duplicate"}
    show(r)

    # Through functions-framework's app, as the deployed function receives them.
    try:
        reported = framework_handler("on_content_reported", log_path)
        commented = framework_handler("on_comment_created", log_path)
    except Exception as exc:  # functions/main.py is someone else's; say why and go on
        say(f"  (functions-framework app could not be loaded: {type(exc).__name__}: {exc})")
        return runs
    events, reporters_of = moderation_events(url, campus, args.events)
    r = timed("moderation via functions-framework", reported, events, 1, meter)
    r.checked, r.ok = check_moderation(url, reporters_of)
    show(r)
    events, expected = comment_events(campus, args.events)
    r = timed("notifications via functions-framework", commented, events, 1, meter)
    r.checked, r.ok = check_notifications(url, events, expected)
    show(r)
    return runs


# --- outbox relay -----------------------------------------------------------------------


class CountingBus:
    """The in-process bus with one subscriber that only counts what arrives."""

    def __init__(self) -> None:
        from infra.events import InProcessBus

        self.bus = InProcessBus()
        self.received: set[str] = set()
        self.bus.subscribe("comments", self._receive)

    def _receive(self, data: bytes, attributes: dict[str, str]) -> None:
        self.received.add(attributes["ce-id"])


def relay_events(n: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """(subject, data) of n comment events on made-up posts (nothing reads them)."""
    out = []
    for i in range(n):
        post, comment = (str(UUID(uuid7_text(time.time(), rng.getrandbits))) for _ in range(2))
        data = {
            "comment_id": comment,
            "post_id": post,
            "parent_id": None,
            "school_id": post,
            "author_id": post,
            "anonymous": i % 3 == 0,
        }
        out.append((f"posts/{post}/comments/{comment}", data))
    return out


def relay_per_commit(what: str, n: int, rng: random.Random, meter: CpuMeter) -> tuple[Run, list]:
    """One event per transaction, relayed after its commit, as the API's writes do."""
    from api.outbox import service as outbox
    from api.outbox.types import EventType
    from infra.database import session_scope

    ids: list[str] = []

    def record(item: tuple[str, dict[str, Any]]) -> str:
        with session_scope() as session:
            ids.append(str(outbox.record(session, EventType.comment_created, *item).id))
        return "recorded"

    return timed(what, record, relay_events(n, rng), 1, meter), ids


def relay_backlog(what: str, n: int, rng: random.Random, meter: CpuMeter) -> tuple[Run, list]:
    """n rows recorded without a relay (as if the bus had been down), then the sweep."""
    from sqlalchemy import insert

    from api.core.db import utcnow
    from api.core.ids import new_id
    from api.outbox import service as outbox
    from api.outbox.models import OutboxEvent
    from infra.database import session_scope

    rows = [
        {
            "id": new_id(),
            "topic": "comments",
            "type": "quad.comment.created.v1",
            "subject": subject,
            "ordering_key": "/".join(subject.split("/")[:2]),
            "data": data,
            "created_at": utcnow(),
        }
        for subject, data in relay_events(n, rng)
    ]
    with session_scope() as session:
        left = session.scalar(
            OutboxEvent.__table__.select()
            .with_only_columns(OutboxEvent.id)
            .where(OutboxEvent.published_at.is_(None))
            .limit(1)
        )
        if left is not None:
            say("  (unpublished outbox rows were left before the sweep: they are counted too)")
        for i in range(0, n, 1000):
            session.execute(insert(OutboxEvent), rows[i : i + 1000])

    def sweep(_: Any) -> str:
        published, _pruned = outbox.sweep(batch=500)
        return f"published {published:,}"

    r = timed(what, sweep, [None], 1, meter)
    r.events = n
    r.per_s = n / r.seconds
    r.p50_ms = r.p99_ms = 0.0
    return r, [str(row["id"]) for row in rows]


def check_published(url: str, ids: list[str], received: set[str]) -> tuple[str, bool]:
    conn = connect(url)
    try:
        published = query(
            conn,
            "SELECT count(*) FROM outbox WHERE id = ANY(%s::uuid[]) AND published_at IS NOT NULL",
            (ids,),
        )[0][0]
    finally:
        conn.close()
    arrived = len(received & set(ids))
    ok = published == arrived == len(ids)
    return f"{published:,} of {len(ids):,} marked published, {arrived:,} arrived", ok


def run_relay(url: str, args: argparse.Namespace, meter: CpuMeter) -> list[Run]:
    from infra import events as bus_module

    rng = random.Random(args.seed + 13)
    runs: list[Run] = []

    def show(r: Run) -> None:
        emulator = r.cpu_us("pubsub emulator")
        say(
            f"  {r.what:<40} {r.per_s:>6,.0f}/s  ({r.events:,} in {r.seconds:.2f} s; CPU/event "
            f"{r.cpu_us('benchmark'):,.0f} + PG {r.cpu_us('postgres'):,.0f} us"
            + (f" + emulator {emulator:,.0f} us" if emulator else "")
            + f"; SQL/event {r.statements / max(r.events, 1):.1f}; others "
            f"{r.cpu.get('others', 0):.2f} cores)\n      ({r.checked})"
            + ("" if r.ok else "  CHECK FAILED")
        )
        runs.append(r)

    counting = CountingBus()
    bus_module.set_bus(counting.bus)
    try:
        r, ids = relay_per_commit("relay per commit, in-process bus", args.relay_events, rng, meter)
        r.checked, r.ok = check_published(url, ids, counting.received)
        show(r)
        r, ids = relay_backlog("sweep of a backlog, in-process bus", args.relay_events, rng, meter)
        r.checked, r.ok = check_published(url, ids, counting.received)
        show(r)
    finally:
        bus_module.set_bus(None)

    with contextlib.ExitStack() as stack:
        try:
            from tests.pubsub_emulator import emulator_script, pubsub_emulator
        except ImportError:
            emulator_script = None  # type: ignore[assignment]
        if emulator_script is None or emulator_script() is None:
            say("  (the Pub/Sub emulator is not installed (gcloud SDK): skipping it)")
            return runs
        started = time.perf_counter()
        host = stack.enter_context(pubsub_emulator())
        say(f"  Pub/Sub emulator on {host} ({time.perf_counter() - started:.1f} s to start)")
        # Its CPU (java, our child) is the emulator's, not other people's.
        import psutil

        for child in psutil.Process().children():
            if "pubsub-emulator" in " ".join(child.cmdline()):
                meter.roots["pubsub emulator"] = child.pid
                stack.callback(meter.roots.pop, "pubsub emulator", None)
        os.environ["PUBSUB_EMULATOR_HOST"] = host
        stack.callback(os.environ.pop, "PUBSUB_EMULATOR_HOST", None)
        received, pull = subscribe_emulator(stack)
        bus = bus_module.PubSubBus(PROJECT, "quad-")
        bus_module.set_bus(bus)
        stack.callback(bus_module.set_bus, None)
        for what, run in (
            ("relay per commit, Pub/Sub emulator", relay_per_commit),
            ("sweep of a backlog, Pub/Sub emulator", relay_backlog),
        ):
            r, ids = run(what, args.relay_events, rng, meter)
            pull(ids)
            r.checked, r.ok = check_published(url, ids, received)
            show(r)
    return runs


def subscribe_emulator(stack: contextlib.ExitStack) -> tuple[set[str], Callable[[list], None]]:
    """The comments topic and a pull subscription on the emulator; `pull(ids)` waits until
    those events arrived (or 30 s passed), collecting their CloudEvent ids."""
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    stack.callback(subscriber.close)
    topic = publisher.topic_path(PROJECT, "quad-comments")
    subscription = subscriber.subscription_path(PROJECT, "quad-comments-bench")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(
        request={"name": subscription, "topic": topic, "enable_message_ordering": True}
    )
    received: set[str] = set()

    def pull(ids: list[str]) -> None:
        wanted = set(ids)
        deadline = time.monotonic() + 30
        while not wanted <= received and time.monotonic() < deadline:
            response = subscriber.pull(
                request={"subscription": subscription, "max_messages": 1000}, timeout=10
            )
            if response.received_messages:
                for m in response.received_messages:
                    received.add(m.message.attributes["ce-id"])
                subscriber.acknowledge(
                    request={
                        "subscription": subscription,
                        "ack_ids": [m.ack_id for m in response.received_messages],
                    }
                )

    return received, pull


# --- images -----------------------------------------------------------------------------

# Runs in a fresh interpreter: the same imports for the idle baseline and the measurement.
IMAGE_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from api.uploads.images import sanitize_image

def rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

def hwm_kib():  # the kernel's own peak of this process's memory, as a cross-check
    with open("/proc/self/status") as f:
        return int(f.read().split("VmHWM:")[1].split()[0])

if sys.argv[2] == "idle-function":
    import functions.main  # everything a deployed function instance imports
out = {"idle_kib": rss_kib()}
if not sys.argv[2].startswith("idle"):
    with open(sys.argv[2], "rb") as f:
        data = f.read()
    out["with_input_kib"] = rss_kib()
    t0 = time.perf_counter()
    result = sanitize_image(data, "image/jpeg")
    out["first_s"] = time.perf_counter() - t0
    out["peak_kib"] = rss_kib()
    out["hwm_kib"] = hwm_kib()
    out["size"] = [result.width, result.height]
    out["bytes"] = [len(data), len(result.data), len(result.thumbnail)]
    del result
    warm = []
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        sanitize_image(data, "image/jpeg")
        warm.append(time.perf_counter() - t0)
    out["warm_s"] = warm
print(json.dumps(out))
"""


def photo_jpeg(path: Path, orientation: int = 1) -> dict[str, Any]:
    """A 4000x3000 photo-like JPEG (smooth shapes and sensor grain, about the size a phone
    writes) with the EXIF a phone adds: make, model, GPS position, orientation."""
    from PIL import ExifTags, Image, ImageChops, ImageFilter

    w, h = IMAGE_SIZE
    rng = random.Random(7)
    grain = Image.effect_noise((w, h), 9)
    channels = []
    for _ in range(3):
        smooth = Image.effect_noise((w // 40, h // 40), 70).filter(ImageFilter.GaussianBlur(2))
        smooth = smooth.resize((w, h), Image.Resampling.BICUBIC)
        channels.append(ImageChops.add(smooth, grain, 1.0, -128 + rng.randint(-20, 20)))
    picture = Image.merge("RGB", channels)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "QuadPhone"
    exif[ExifTags.Base.Model] = "QP-12"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (37.0, 33.0, 59.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (126.0, 58.0, 41.0),
    }
    picture.save(path, "JPEG", quality=92, exif=exif)
    return {"bytes": path.stat().st_size, "orientation": orientation}


def gps_of(data: bytes) -> dict:
    from PIL import ExifTags, Image

    with Image.open(io.BytesIO(data)) as im:
        return dict(im.getexif().get_ifd(ExifTags.IFD.GPSInfo))


@dataclass
class ImageRun:
    what: str
    input_bytes: int
    first_s: list[float]  # the first call in each fresh interpreter
    warm_s: list[float]  # later calls in the same interpreters
    peak_mib: list[float]  # ru_maxrss after the first call
    idle_mib: float  # ru_maxrss of an idle interpreter with the same imports
    output: dict[str, Any]
    cpu_others: float = 0.0
    function_idle_mib: float | None = None  # an idle interpreter that imported functions.main

    @property
    def added_mib(self) -> float:
        return max(self.peak_mib) - self.idle_mib


def run_images(args: argparse.Namespace, tmp: Path) -> list[ImageRun]:
    from api.uploads.images import sanitize_image

    runs = []
    meter = CpuMeter({}, 1)

    def child(arg: str) -> dict[str, Any]:
        # Linux keeps ru_maxrss across fork and exec: a child started from this (big)
        # process would report at least this process's size. A shell in between forks
        # the interpreter from its own small image, so ru_maxrss is the child's own.
        shell = ["/bin/sh", "-c", '"$@"; exit $?', "sh"]
        out = subprocess.run(
            [*shell, sys.executable, "-c", IMAGE_CHILD, str(ROOT), arg, "3"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"the image subprocess failed:\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    idle = statistics.median(child("idle")["idle_kib"] for _ in range(3)) / 1024
    try:
        function_idle = (
            statistics.median(child("idle-function")["idle_kib"] for _ in range(3)) / 1024
        )
    except RuntimeError as exc:  # functions/main.py is someone else's, maybe mid-change
        say(f"  (an interpreter importing functions.main failed: {str(exc)[-200:]})")
        function_idle = None
    say(
        f"  idle interpreter with the same imports: {idle:.0f} MiB"
        + (
            f"; with functions.main imported, as a deployed function: {function_idle:.0f} MiB"
            if function_idle
            else ""
        )
    )
    photos = (("4000x3000 JPEG, landscape", 1), ("4000x3000 JPEG, EXIF-rotated (6)", 6))
    for what, orientation in photos:
        path = tmp / f"photo-{orientation}.jpg"
        made = photo_jpeg(path, orientation)
        result = sanitize_image(path.read_bytes(), "image/jpeg")  # here only to check it
        gps_gone = gps_of(path.read_bytes()) != {} and gps_of(result.data) == {}
        if args.wait_quiet:
            meter.wait_quiet(args.wait_quiet)
        meter.start()
        measured = [child(str(path)) for _ in range(args.image_runs)]
        cpu = meter.stop()
        r = ImageRun(
            what,
            made["bytes"],
            [m["first_s"] for m in measured],
            [s for m in measured for s in m["warm_s"]],
            [m["peak_kib"] / 1024 for m in measured],
            idle,
            {
                "size": measured[0]["size"],
                "bytes_in_out_thumbnail": measured[0]["bytes"],
                "gps_removed": gps_gone,
                "with_input_mib": measured[0]["with_input_kib"] / 1024,
                "vm_hwm_mib": [m["hwm_kib"] / 1024 for m in measured],
            },
            cpu.get("others", 0.0),
            function_idle,
        )
        say(
            f"  {what:<34} {made['bytes'] / 2**20:.1f} MiB in: first call "
            f"{statistics.median(r.first_s):.2f} s (median of {len(r.first_s)} fresh "
            f"interpreters; {min(r.first_s):.2f}-{max(r.first_s):.2f}), later calls "
            f"{statistics.median(r.warm_s):.2f} s; peak {max(r.peak_mib):.0f} MiB - idle "
            f"{r.idle_mib:.0f} MiB = {r.added_mib:.0f} MiB; GPS gone: {gps_gone}; "
            f"others {r.cpu_others:.2f} cores"
        )
        runs.append(r)
    return runs


# --- main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    cleanup = Cleanup()
    try:
        return run(args, cleanup)
    except KeyboardInterrupt:
        say("\ninterrupted: stopping what the benchmark started")
        return 130
    finally:
        cleanup.run()


def seeding_args(args: argparse.Namespace) -> argparse.Namespace:
    """What apibench.seed.ensure_seeded reads, from this script's options."""
    ns = argparse.Namespace(scale=args.scale, seed=args.seed, force=args.force, reseed=False)
    for key in api_seed.DEFAULTS:
        setattr(ns, key, None)
    return ns


def run(args: argparse.Namespace, cleanup: Cleanup) -> int:
    parts = args.parts.split(",")
    WAIT_QUIET[0] = args.wait_quiet
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    data_lock = lock_data_dir(data_dir)  # noqa: F841 (held until exit)
    say(HEADER.format("Quad events benchmark") + f"  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"  machine: {machine()}")
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    handler_runs: list[Run] = []
    relay_runs: list[Run] = []
    image_runs: list[ImageRun] = []
    url = None
    meta: dict[str, Any] = {}

    if "handlers" in parts or "relay" in parts:
        say(HEADER.format("Database"))
        if args.database_url:
            url = normalise_url(args.database_url)
        else:
            url = start_embedded(data_dir, cleanup)
        env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(data_dir)}
        env.pop("CLOUD_SQL_INSTANCE", None)
        api_seed.migrate(env)
        seeding = seeding_args(args)
        sizes = api_seed.sizes_from(seeding)
        meta = api_seed.ensure_seeded(url, sizes, seeding)
        results["sizes"] = asdict(sizes)
        # The handlers' settings: this database, an in-process bus with no subscribers (the
        # content.hidden events the moderation handler records are relayed to it).
        os.environ.update(
            {
                "DATABASE_URL": url,
                "DATA_DIR": str(data_dir),
                "EVENTS_BACKEND": "inprocess",
                "INPROCESS_HANDLERS": "false",
            }
        )
        for name in ("CLOUD_SQL_INSTANCE", "PUBSUB_EMULATOR_HOST"):
            os.environ.pop(name, None)

        def undo() -> None:
            with contextlib.closing(connect(url)) as conn:
                api_seed.reset_bench_writes(conn, meta["seeded_until"])

        cleanup.push("undoing what the benchmark wrote", undo)
        from infra import database

        cleanup.push("the database pool", database.dispose_engine)
        roots = {}
        with contextlib.suppress(Exception), contextlib.closing(connect(url)) as conn:
            import psutil

            roots["postgres"] = psutil.Process(query(conn, "SELECT pg_backend_pid()")[0][0]).ppid()
        meter = CpuMeter(roots, 1)
        log_path = data_dir / "events-bench.log"
        log_path.write_text("")  # this run's lines only
        log_like_a_function(log_path)
        say(f"  the handlers log as deployed (JSON lines, INFO) to {log_path}")

        if "handlers" in parts:
            say(HEADER.format(f"Handlers ({args.events:,} events per run, one process)"))
            handler_runs = run_handlers(url, args, meter, log_path)
        if "relay" in parts:
            say(HEADER.format(f"Outbox relay ({args.relay_events:,} events per run)"))
            relay_runs = run_relay(url, args, meter)

    if "image" in parts:
        say(HEADER.format("Image processing (api/uploads/images.py sanitize_image)"))
        if not (ROOT / "api" / "uploads" / "images.py").exists():
            say("  api/uploads/images.py does not exist yet: skipping")
        else:
            with tempfile.TemporaryDirectory(prefix="quad-images-") as tmp:
                image_runs = run_images(args, Path(tmp))

    say()
    rows = verdicts(handler_runs, image_runs)
    say(HEADER.format("Targets (issue 4)"))
    say(text_table(rows, ["what", "target", "measured", "result"]))
    busy = [r.what for r in (*handler_runs, *relay_runs) if r.cpu.get("others", 0) > BUSY]
    busy += [r.what for r in image_runs if r.cpu_others > BUSY]
    if busy:
        say(
            "  WARNING: other processes used CPU during: "
            + "; ".join(busy)
            + ". Those figures are low by about that share; rerun on a quiet machine."
        )
    results.update(
        {
            "handlers": [asdict(r) for r in handler_runs],
            "relay": [asdict(r) for r in relay_runs],
            "images": [asdict(r) | {"added_mib": r.added_mib} for r in image_runs],
            "targets": rows,
        }
    )
    out = args.json or data_dir / "events-last-run.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    say(f"  results written to {out}")
    return 0


def verdicts(handler_runs: list[Run], image_runs: list[ImageRun]) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(what: str, target: str, measured: str, ok: bool | None, busy: bool) -> None:
        result = "—" if ok is None else "PASS" if ok else "MISS"
        rows.append([what, target, measured, result + (" (machine busy)" if busy else "")])

    for name in ("moderation", "notifications"):
        runs = [r for r in handler_runs if r.what.startswith(f"{name} (")]
        if runs:
            best = max(runs, key=lambda r: r.per_s)
            measured = ", ".join(f"{r.per_s:,.0f}/s with {r.threads} thread(s)" for r in runs)
            add(
                f"{name} handler, one process",
                f"≥ {HANDLER_TARGET}/s",
                measured,
                best.per_s >= HANDLER_TARGET and all(r.ok for r in runs),
                best.cpu.get("others", 0) > BUSY,
            )
    for r in image_runs:
        first = statistics.median(r.first_s)
        add(
            f"{r.what}: time",
            f"≤ {IMAGE_SECONDS_TARGET:.0f} s",
            f"first call {first:.2f} s (median), later calls {statistics.median(r.warm_s):.2f} s",
            first <= IMAGE_SECONDS_TARGET,
            r.cpu_others > BUSY,
        )
        add(
            f"{r.what}: peak memory",
            f"≤ {IMAGE_MIB_TARGET} MiB",
            f"{r.added_mib:.0f} MiB above an idle interpreter ({max(r.peak_mib):.0f} MiB peak, "
            f"{r.idle_mib:.0f} MiB idle)",
            r.added_mib <= IMAGE_MIB_TARGET,
            False,
        )
        if r.function_idle_mib:
            estimate = r.function_idle_mib + r.added_mib
            add(
                f"{r.what}: in a function instance",
                "(estimate)",
                f"{estimate:.0f} MiB = {r.function_idle_mib:.0f} MiB idle with functions.main "
                f"imported + {r.added_mib:.0f} MiB",
                None,
                False,
            )
    return rows


if __name__ == "__main__":
    sys.exit(main())
