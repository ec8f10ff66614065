"""on_content_reported: distinct reporters counted, content hidden at the threshold,
one moderation record, a content.hidden event; idempotent and robust to bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from api.outbox.models import OutboxEvent
from api.reports.handlers import content_reported
from api.reports.models import ModerationAction
from functions import main
from infra import events as bus_module
from tests.api.helpers import create_post
from tests.functions.events import ours, pubsub_push

REPORTED = "quad.content.reported.v1"


@pytest.fixture
def quiet_bus(database_url):
    """Reports are recorded without running the handler, so each test drives it."""
    bus = bus_module.InProcessBus()
    bus_module.set_bus(bus)
    yield bus
    bus_module.set_bus(None)


def _report(client, user, post_id):
    r = client.put(f"/v1/posts/{post_id}/report", json={"reason": "spam"}, headers=user.headers)
    assert r.status_code == 200


def _hidden(client, user, post_id) -> bool:
    """Hidden as `user` (not its author) finds it: the post is gone for them."""
    r = client.get(f"/v1/posts/{post_id}", headers=user.headers)
    assert r.status_code in (200, 404), r.text
    return r.status_code == 404


def _event(post_id, **kw):
    return pubsub_push(ours(REPORTED, {"target_type": "post", "target_id": post_id}, **kw))


def test_the_report_answers_at_once_and_the_function_hides_at_the_threshold(
    client, campus, world, quiet_bus, db
):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5, trusted=True):
        _report(client, u, post)
    assert _hidden(client, campus.bob, post) is False  # the request only recorded it
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is True
    action = db.scalars(select(ModerationAction)).one()
    assert action.decided_by == "system:report-threshold" and "5 distinct" in action.reason
    hidden_events = db.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "quad.content.hidden.v1")
    ).all()
    assert len(hidden_events) == 1 and hidden_events[0].data["target_id"] == post


def test_below_the_threshold_nothing_is_hidden(client, campus, world, quiet_bus):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 4, trusted=True):
        _report(client, u, post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is False


def test_the_same_event_three_times_has_one_effect(client, campus, world, quiet_bus, db):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 6, trusted=True):
        _report(client, u, post)
    event = _event(post)
    results = [content_reported(event) for _ in range(3)]
    assert results == ["applied", "duplicate", "duplicate"]
    assert db.scalar(select(func.count()).select_from(ModerationAction)) == 1


def _reports_of(db, post_id) -> int:
    from api.reports.models import Report

    return db.scalar(select(func.count()).select_from(Report).where(Report.target_id == post_id))


def test_five_fresh_accounts_cannot_hide_a_post(client, campus, world, quiet_bus, db):
    """Accounts made for the purpose report: every report is kept, none of them counts."""
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5):
        _report(client, u, post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is False
    assert _reports_of(db, post) == 5
    assert db.scalar(select(func.count()).select_from(ModerationAction)) == 0


def test_five_old_enough_accounts_still_hide_a_post(client, campus, world, quiet_bus):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5, trusted=True):
        _report(client, u, post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is True


def test_a_fresh_account_does_not_make_up_the_fifth(client, campus, world, quiet_bus):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in [*world.users(campus.school, 4, trusted=True), world.user(campus.school)]:
        _report(client, u, post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is False
    # A fifth account old enough tips it.
    _report(client, world.user(campus.school, trusted=True), post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is True


def test_only_verified_accounts_count(client, campus, world, quiet_bus, db):
    post = create_post(client, campus.alice, campus.board)["id"]
    reporters = world.users(campus.school, 5, trusted=True)
    for u in reporters:
        _report(client, u, post)
    # One of them is no longer verified (its reports stay recorded).
    db.execute(
        text("UPDATE users SET email_verified_at = NULL WHERE id = :u"), {"u": reporters[0].id}
    )
    db.commit()
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is False
    _report(client, world.user(campus.school, trusted=True), post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is True


def test_waiting_after_reporting_does_not_make_a_fresh_report_count(
    client, campus, world, quiet_bus, db
):
    """The age that counts is the account's when it reported: four days later, the
    reports of accounts that were an hour old are still not counted."""
    from sqlalchemy import update

    from api.reports.models import Report
    from api.users.models import User

    post = create_post(client, campus.alice, campus.board)["id"]
    reporters = world.users(campus.school, 5)
    for u in reporters:
        _report(client, u, post)
    later = timedelta(days=4)
    db.execute(
        update(User)
        .where(User.id.in_([u.id for u in reporters]))
        .values(created_at=User.created_at - later - timedelta(hours=1))
    )
    db.execute(update(Report).values(created_at=Report.created_at - later))
    db.commit()
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is False


def test_the_minimum_age_is_a_setting(client, campus, world, quiet_bus, override_settings):
    override_settings(REPORT_MIN_ACCOUNT_AGE_HOURS=0)
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5):
        _report(client, u, post)
    main.on_content_reported(_event(post))
    assert _hidden(client, campus.bob, post) is True


@pytest.mark.parametrize(
    "event",
    [
        pubsub_push(b"not json at all"),
        pubsub_push(b'{"specversion": "1.0"}'),
        pubsub_push(ours(REPORTED, {"target_type": "video", "target_id": "x"})),
        pubsub_push(ours(REPORTED, {"target_type": "post"})),
        pubsub_push(ours(REPORTED, {"target_type": "post", "target_id": "not-a-uuid"})),
    ],
    ids=["garbage", "no-fields", "bad-type", "no-target", "bad-uuid"],
)
def test_malformed_events_are_logged_and_acknowledged(database_url, event, caplog):
    assert content_reported(event) == "malformed"  # no exception: no retry storm
    assert any("malformed" in r.getMessage() for r in caplog.records)


def test_a_broken_pubsub_envelope_is_acknowledged(database_url):
    from tests.functions.events import CloudEvent

    broken = CloudEvent(
        {"type": "google.cloud.pubsub.topic.v1.messagePublished", "source": "//pubsub"},
        {"message": {"data": "%%%not base64"}},
    )
    assert content_reported(broken) == "malformed"


def test_other_event_types_are_acknowledged_untouched(database_url):
    event = pubsub_push(ours("quad.post.created.v1", {"post_id": "x"}))
    assert content_reported(event) == "ignored"


def test_stale_events_are_dropped(client, campus, world, quiet_bus, caplog):
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5, trusted=True):
        _report(client, u, post)
    assert content_reported(_event(post, age=timedelta(days=2))) == "stale"
    assert _hidden(client, campus.bob, post) is False
    assert any("too old" in r.getMessage() for r in caplog.records)


def test_a_transient_failure_raises_so_pubsub_retries(
    client, campus, world, quiet_bus, monkeypatch
):
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import sessionmaker

    from infra import database

    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5, trusted=True):
        _report(client, u, post)
    event = _event(post)

    # The database is unreachable: nothing listens on port 1.
    down = create_engine("postgresql+pg8000://postgres@127.0.0.1:1/quad")
    monkeypatch.setattr(database, "_engine", down)
    monkeypatch.setattr(database, "_sessionmaker", sessionmaker(down))
    with pytest.raises(DBAPIError):  # pg8000 reports a refused connection as InterfaceError
        content_reported(event)
    monkeypatch.undo()
    # The redelivery is applied: the failed attempt claimed nothing.
    assert content_reported(event) == "applied"
    assert _hidden(client, campus.bob, post) is True


def test_locally_the_bus_runs_the_moderation_function(client, campus, world):
    """With nothing configured, the in-process bus routes reports to the same handler."""
    bus_module.set_bus(None)
    post = create_post(client, campus.alice, campus.board)["id"]
    for u in world.users(campus.school, 5, trusted=True):
        _report(client, u, post)
    assert _hidden(client, campus.bob, post) is True


def test_events_are_structured_json(client, campus, quiet_bus, db):
    post = create_post(client, campus.alice, campus.board)["id"]
    _report(client, campus.bob, post)
    row = db.scalars(select(OutboxEvent).where(OutboxEvent.type == REPORTED)).one()
    assert row.data["target_id"] == post and row.data["reason"] == "spam"
    json.dumps(row.data)
