"""Operator commands: `quad migrate`, `quad schools add`, `quad schools domains
add|remove|list`, `quad courses import`, `quad seed-demo`, `quad outbox sweep`,
`quad mail list|show`, `quad moderation grant|revoke|list|queue|act`, `quad serve`.

`quad-migrate` is the same as `quad migrate`; the Cloud Run migration job runs it.
"""

from __future__ import annotations

import os
import signal
import sys
from email.message import EmailMessage
from pathlib import Path

import click

from infra.logging import configure_logging
from infra.settings import SettingsError, get_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@click.group()
def main() -> None:
    """Quad operator commands."""
    try:
        settings = get_settings()
    except SettingsError as exc:  # stop before anything starts, naming what is wrong
        raise click.ClickException(str(exc)) from None
    configure_logging(settings.log_level, settings.google_cloud_project)


def _wire_local_bus() -> None:
    """The events a command publishes (the demo's comments, the sweep's backlog) reach the
    same handlers on the in-process bus as the API's."""
    from api.events_wiring import wire_local_bus

    wire_local_bus()


@main.command()
def migrate() -> None:
    """Apply all database migrations (idempotent)."""
    from alembic import command

    command.upgrade(_alembic_config(), "head")
    click.echo("database is at the latest migration")


def migrate_main() -> None:
    """Entry point of the Cloud Run migration job."""
    sys.exit(main(["migrate"]))


@main.group()
def schools() -> None:
    """Schools and departments (an operator's job, not an API)."""


@schools.command("add")
@click.argument("name")
@click.option(
    "--email-domain",
    "email_domains",
    multiple=True,
    help="A domain whose addresses may join, e.g. hanbit.ac.kr (repeat for each)",
)
@click.option("--department", "departments", multiple=True, help="Repeat for each department")
def add_school(name: str, email_domains: tuple[str, ...], departments: tuple[str, ...]) -> None:
    """Create a school (or add departments and domains to an existing one). A school with
    no email domain accepts no signups."""
    from api.schools import domains, service
    from infra.database import session_scope

    try:
        normalized = [domains.normalize_domain(d) for d in email_domains]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope() as session:
        school = service.create_school(session, name, None, list(departments))
        for domain in normalized:
            domains.add_domain(session, school, domain)
        click.echo(f"{school.id}\t{school.name}")


@schools.command("list")
def list_schools() -> None:
    """Schools with their ids and email domains ('-': none, so no signups)."""
    from api.schools import service
    from infra.database import session_scope

    with session_scope() as session:
        for school in service.list_schools(session):
            click.echo(f"{school.id}\t{school.name}\t{','.join(school.email_domains) or '-'}")


@schools.group("domains")
def school_domains() -> None:
    """The email domains whose addresses may join a school (and their subdomains)."""


def _school_or_exit(session, school_id):
    from api.schools.models import School

    school = session.get(School, school_id)
    if school is None:
        raise click.ClickException(f"no school with id {school_id}")
    return school


@school_domains.command("add")
@click.argument("school_id", type=click.UUID)
@click.argument("domain")
def add_school_domain(school_id, domain: str) -> None:
    """Let addresses at DOMAIN (and its subdomains) join SCHOOL_ID. Unicode domains are
    stored in their ASCII (punycode) form."""
    from api.schools import domains
    from infra.database import session_scope

    with session_scope() as session:
        school = _school_or_exit(session, school_id)
        try:
            added = domains.add_domain(session, school, domain)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{school.id}\t{added}")


@school_domains.command("remove")
@click.argument("school_id", type=click.UUID)
@click.argument("domain")
def remove_school_domain(school_id, domain: str) -> None:
    """Stop new signups at DOMAIN for SCHOOL_ID (accounts made with it stay)."""
    from api.schools import domains
    from infra.database import session_scope

    with session_scope() as session:
        school = _school_or_exit(session, school_id)
        try:
            removed = domains.remove_domain(session, school, domain)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        if not removed:
            raise click.ClickException(f"{school.name} does not list {domain}")
        click.echo(f"removed {domain} from {school.name}")


@school_domains.command("list")
@click.argument("school_id", type=click.UUID)
def list_school_domains(school_id) -> None:
    """SCHOOL_ID's domains, one a line (none: the school accepts no signups)."""
    from api.schools import domains
    from infra.database import session_scope

    with session_scope() as session:
        school = _school_or_exit(session, school_id)
        for domain in domains.list_domains(session, school.id):
            click.echo(domain)


@schools.command("set-board-creation")
@click.argument("school")
@click.argument("state", type=click.Choice(["on", "off"]))
def set_board_creation(school: str, state: str) -> None:
    """Let SCHOOL's members create boards (on, the default) or not (off: only operators
    do, and members' attempts answer 403). SCHOOL is its id or exact name."""
    from api.schools import service
    from infra.database import session_scope

    with session_scope() as session:
        found = service.find_school(session, school)
        if found is None:
            raise click.ClickException(f"no school {school!r} (see `quad schools list`)")
        service.set_board_creation(session, found, state == "on")
        click.echo(f"{found.id}\t{found.name}\tboard creation by members: {state}")


@main.group()
def boards() -> None:
    """Boards made by operators (members make theirs through the API)."""


@boards.command("add")
@click.argument("school")
@click.argument("name")
@click.option("--description", default="")
@click.option(
    "--write-rule",
    type=click.Choice(["members", "moderators"]),
    default="members",
    show_default=True,
    help="moderators: read-only for members (such a board has no owner: nobody writes yet)",
)
@click.option(
    "--name-rule",
    type=click.Choice(["anonymous", "named", "either"]),
    default="either",
    show_default=True,
)
def add_board(school: str, name: str, description: str, write_rule: str, name_rule: str) -> None:
    """Create board NAME in SCHOOL (its id or exact name), owned by no one."""
    import api.models  # noqa: F401 (every table, for the board's foreign keys)
    from api.boards import service as boards_service
    from api.boards.schemas import BoardIn
    from api.core.errors import Problem
    from api.schools import service
    from infra.database import session_scope

    try:
        data = BoardIn(
            name=name, description=description, write_rule=write_rule, name_rule=name_rule
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope() as session:
        found = service.find_school(session, school)
        if found is None:
            raise click.ClickException(f"no school {school!r} (see `quad schools list`)")
        try:
            board = boards_service.create_board(session, None, found.id, data)
        except Problem as exc:
            raise click.ClickException(exc.detail or exc.title) from None
        click.echo(f"{board.id}\t{board.name}\t{board.write_rule}\t{board.name_rule}")


@main.group()
def moderation() -> None:
    """Roles: school moderators and platform administrators (by email)."""


def _role_scope(session, email: str, role: str, school: str | None):
    """(account id, school id or None) for a grant or revocation, or exit naming why."""
    from sqlalchemy import func, select

    from api.schools import service
    from api.users.models import User

    user = session.execute(
        select(User.id, User.school_id).where(
            func.lower(User.email) == email.lower(), User.deleted_at.is_(None)
        )
    ).one_or_none()
    if user is None:
        raise click.ClickException(f"no account with email {email}")
    if role == "admin":
        if school is not None:
            raise click.ClickException("an administrator's role has no school")
        return user.id, None
    if school is None:
        raise click.ClickException("a moderator's role needs a SCHOOL (its id or exact name)")
    found = service.find_school(session, school)
    if found is None:
        raise click.ClickException(f"no school {school!r} (see `quad schools list`)")
    if found.id != user.school_id:
        raise click.ClickException(f"{email} is not a member of {found.name}")
    return user.id, found.id


@moderation.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(["moderator", "admin"]))
@click.argument("school", required=False)
def grant_role(email: str, role: str, school: str | None) -> None:
    """Make EMAIL's account a moderator of SCHOOL (its id or exact name; the account must
    be its member), or a platform administrator (no SCHOOL). Recorded; a no-op if held."""
    import api.models  # noqa: F401 (every table, for the roles' foreign keys)
    from api.moderation import service
    from api.users.models import RoleName
    from infra.database import session_scope

    with session_scope() as session:
        user_id, school_id = _role_scope(session, email, role, school)
        added = service.grant(session, None, user_id, RoleName(role), school_id)
        click.echo(f"{'granted' if added else 'already held'}\t{email}\t{role}\t{school_id or '-'}")


@moderation.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice(["moderator", "admin"]))
@click.argument("school", required=False)
def revoke_role(email: str, role: str, school: str | None) -> None:
    """End EMAIL's ROLE (in SCHOOL, for a moderator): at once, for every token."""
    import api.models  # noqa: F401
    from api.moderation import service
    from api.users.models import RoleName
    from infra.database import session_scope

    with session_scope() as session:
        user_id, school_id = _role_scope(session, email, role, school)
        if not service.revoke(session, None, user_id, RoleName(role), school_id):
            raise click.ClickException(f"{email} does not hold that role")
        click.echo(f"revoked\t{email}\t{role}\t{school_id or '-'}")


@moderation.command("list")
@click.argument("school", required=False)
def list_roles(school: str | None) -> None:
    """Who holds a role (of SCHOOL, and the administrators): email, role, school."""
    from sqlalchemy import or_, select

    from api.schools import service
    from api.schools.models import School
    from api.users.models import Role, User
    from infra.database import session_scope

    with session_scope() as session:
        stmt = (
            select(User.email, Role.role, School.name)
            .join(User, User.id == Role.user_id)
            .outerjoin(School, School.id == Role.school_id)
            .order_by(Role.role, School.name, User.email)
        )
        if school is not None:
            found = service.find_school(session, school)
            if found is None:
                raise click.ClickException(f"no school {school!r} (see `quad schools list`)")
            stmt = stmt.where(or_(Role.school_id == found.id, Role.school_id.is_(None)))
        for email, role, name in session.execute(stmt):
            click.echo(f"{email}\t{role}\t{name or '-'}")


@moderation.command("queue")
@click.argument("school")
@click.option(
    "--status",
    type=click.Choice(["open", "actioned", "dismissed"]),
    default="open",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1, 50), default=50, show_default=True)
def moderation_queue(school: str, status: str, limit: int) -> None:
    """SCHOOL's reported posts and comments, first reported first: target, reports by
    reason, hidden or removed, and the start of the text. Never the author."""
    from api.moderation import service
    from api.moderation.schemas import QueueStatus
    from api.schools import service as schools
    from infra.database import session_scope

    with session_scope() as session:
        found = schools.find_school(session, school)
        if found is None:
            raise click.ClickException(f"no school {school!r} (see `quad schools list`)")
        page = service.queue(session, None, found.id, QueueStatus(status), None, None, limit)
        for e in page.items:
            reasons = ",".join(f"{r}={n}" for r, n in e.reasons.items())
            state = "removed" if e.removed else "hidden" if e.hidden else "shown"
            text = (e.body or "").replace("\n", " ")[:60]
            click.echo(f"{e.target_type}\t{e.target_id}\t{reasons}\t{state}\t{text}")


@moderation.command("act")
@click.argument("target_type", type=click.Choice(["post", "comment"]))
@click.argument("target_id", type=click.UUID)
@click.argument(
    "action",
    type=click.Choice(
        [
            "hide",
            "restore",
            "remove",
            "dismiss",
            "lock",
            "unlock",
            "suspend_author",
            "unsuspend_author",
        ]
    ),
)
@click.argument("reason")
@click.option("--hours", type=int, help="suspend_author: how long (default: without end)")
def moderation_act(target_type: str, target_id, action: str, reason: str, hours) -> None:
    """Decide as an operator (logged as such, with REASON): the same decisions as
    `POST /v1/moderation/actions`."""
    import api.models  # noqa: F401
    from api.core.errors import Problem
    from api.moderation import service
    from api.moderation.schemas import ActionIn
    from infra.database import session_scope

    _wire_local_bus()
    try:
        data = ActionIn(
            target_type=target_type,
            target_id=target_id,
            action=action,
            reason=reason,
            suspend_hours=hours,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope() as session:
        try:
            result = service.act(session, None, data)
        except Problem as exc:
            raise click.ClickException(exc.detail or exc.title) from None
        click.echo(f"{'done' if result.changed else 'already so'}\t{action}\t{target_id}")


@main.group()
def courses() -> None:
    """The course catalog (imported by operators from the schools' CSV)."""


@courses.command("import")
@click.argument("school_id", type=click.UUID)
@click.argument("semester")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
def import_courses(school_id, semester: str, csv_file) -> None:
    """Load SCHOOL_ID's catalog for SEMESTER (e.g. 2026-2) from CSV_FILE.

    Columns: code,name,professor,credits,schedule. Nothing is written unless every row
    is valid; errors are listed with their line numbers. Re-importing updates in place.
    """
    from api.courses.importer import CatalogError, import_catalog, parse_catalog
    from infra.database import session_scope

    try:
        rows = parse_catalog(csv_file)
        with session_scope() as session:
            report = import_catalog(session, school_id, semester, rows)
    except CatalogError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        raise SystemExit(1) from None
    except UnicodeDecodeError:
        click.echo(
            "the file is not UTF-8 text: save it as 'CSV UTF-8' "
            "(or convert it, e.g. iconv -f cp949 -t utf-8)",
            err=True,
        )
        raise SystemExit(1) from None
    click.echo(f"imported {report.courses} courses ({report.professors} professors)")


@main.group()
def outbox() -> None:
    """The outbox of domain events."""


@outbox.command("sweep")
@click.option("--prune-days", default=7, show_default=True, help="Delete published events older")
def sweep_events(prune_days: int) -> None:
    """Publish events left behind, then prune old published ones (Cloud Scheduler runs
    the same through the sweep_outbox function)."""
    from datetime import timedelta

    from api.outbox import service

    _wire_local_bus()
    published, pruned = service.sweep(prune_after=timedelta(days=prune_days))
    click.echo(f"published {published} events, pruned {pruned}")


@main.group()
def mail() -> None:
    """The local Maildir: what would have been sent, with no SMTP relay configured."""


def _local_mails() -> list[tuple[float, EmailMessage]]:
    """(delivery time, message) of each mail in the Maildir (new/ and cur/: one file per
    message), oldest first."""
    from email import message_from_bytes, policy

    path = get_settings().maildir_path
    files = [
        f
        for folder in ("new", "cur")
        if (path / folder).is_dir()
        for f in (path / folder).iterdir()
    ]
    found = sorted((f.stat().st_mtime_ns, f) for f in files if not f.name.startswith("."))
    return [
        (delivered / 1e9, message_from_bytes(f.read_bytes(), policy=policy.default))
        for delivered, f in found
    ]


@mail.command("list")
def list_mail() -> None:
    """One line per mail, oldest first: number, time, recipient, subject."""
    from datetime import datetime

    mails = _local_mails()
    if not mails:
        click.echo(f"no mail in {get_settings().maildir_path}")
    for number, (when, message) in enumerate(mails, start=1):
        stamp = datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{number:>3}  {stamp}  {message['To']}  {message['Subject']}")


@mail.command("show")
@click.argument("number", type=int, default=0)
@click.option("--html", is_flag=True, help="The HTML part instead of the text")
def show_mail(number: int, html: bool) -> None:
    """A mail's headers and its text (or HTML) part; the newest without NUMBER."""
    mails = _local_mails()
    if not mails or not 0 <= number <= len(mails):
        raise click.ClickException(f"no mail number {number} (quad mail list)")
    message = mails[number - 1 if number else -1][1]
    for name in ("From", "To", "Subject", "Date"):
        click.echo(f"{name}: {message[name]}")
    body = message.get_body(("html",) if html else ("plain",))
    click.echo("")
    click.echo(body.get_content() if body is not None else "(no such part)")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load the demo data set, once: a database that has schools is left alone."""
    try:
        from api import demo
    except ImportError:  # the production image leaves the demo data out (.dockerignore)
        raise click.ClickException("the demo data set is not installed here") from None

    _wire_local_bus()
    created = demo.seed()
    click.echo("demo data loaded" if created else "demo data already present; left as is")


@main.command()
@click.option("--workers", type=int, help="Worker processes (default: WEB_CONCURRENCY or cores)")
def serve(workers: int | None) -> None:
    """Serve the API on $HOST:$PORT (uvicorn, httptools and uvloop)."""
    import uvicorn

    from infra import database

    settings = get_settings()
    if not settings.cloud_sql_instance:
        # Start the embedded database here, once, and hand its URL to the workers.
        os.environ["DATABASE_URL"] = database.resolve_url(settings)
    if settings.uses_embedded_database:
        from infra.embedded_postgres import supervise

        # Restarted if it dies; stopped when serving ends (Ctrl-C, SIGTERM).
        supervise(database.embedded_server())
    workers = workers or settings.web_concurrency or os.cpu_count() or 1
    # uvicorn drains requests on SIGTERM, then re-raises the signal to whatever handler was
    # there before: make that a normal exit, so atexit hooks (stopping the embedded
    # database) run and the exit status is 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"Quad API on http://{settings.host}:{settings.port} (docs at /docs)")
    uvicorn.run(
        "api.main:app",
        host=settings.host,
        port=settings.port,
        workers=workers,
        http="httptools",
        loop="uvloop",
        log_config=None,
        # The client's address is api/core/client.py's (TRUSTED_PROXY_HOPS), not uvicorn's.
        proxy_headers=False,
        timeout_graceful_shutdown=8,  # Cloud Run kills 10 s after SIGTERM
    )


if __name__ == "__main__":
    main()
