"""The generated Python client (clients/python/quad_client, `make clients`): generated from
the committed document, and the two students' scenario through it against a live server,
every answer checked against the document (tests/clients/conformance.py)."""

from __future__ import annotations

import filecmp
import json
import mailbox
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.clients.conformance import Conformance, NotAsDocumented
from tests.clients.conftest import CLIENTS

pytestmark = pytest.mark.live

PACKAGE = CLIENTS / "python" / "quad_client"
DOCUMENT = CLIENTS / "openapi.json"
PASSWORD = "correct-horse-battery"


def _files(folder: Path) -> set[Path]:
    return {
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_committed_python_client_is_generated_from_the_committed_document(tmp_path):
    run = subprocess.run(
        [sys.executable, str(CLIENTS / "python" / "generate.py"), str(tmp_path / "quad_client")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    generated, committed = _files(tmp_path / "quad_client"), _files(PACKAGE)
    differing = sorted(
        str(name)
        for name in generated | committed
        if name not in generated
        or name not in committed
        or not filecmp.cmp(tmp_path / "quad_client" / name, PACKAGE / name, shallow=False)
    )
    assert not differing, (
        "clients/python/quad_client is not what clients/openapi.json gives: run `make clients` "
        f"and commit the result (differing: {differing[:10]})"
    )


def verification_code(maildir: Path, address: str) -> str:
    """The code of the verification mail to `address` (mailed after signup's commit)."""
    deadline = time.monotonic() + 20
    while True:
        for message in mailbox.Maildir(maildir, create=True):
            if message["To"] != address:
                continue
            part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            found = re.search(
                r"(?:code|코드): ([0-9]{6})\b", part.get_payload(decode=True).decode()
            )
            if found:
                return found.group(1)
        assert time.monotonic() < deadline, f"no verification mail to {address}"
        time.sleep(0.1)


class Students:
    """Clients of one live server, each answer checked by `conformance`."""

    def __init__(self, base_url: str, conformance: Conformance, maildir: Path) -> None:
        self.base_url = base_url
        self.conformance = conformance
        self.maildir = maildir

    def _hooks(self) -> dict:
        return {"event_hooks": {"response": [self.conformance.hook]}}

    def anonymous(self):
        from quad_client import Client

        return Client(
            base_url=self.base_url, httpx_args=self._hooks(), raise_on_unexpected_status=True
        )

    def signed_in(self, token: str):
        from quad_client import AuthenticatedClient

        return AuthenticatedClient(
            base_url=self.base_url,
            token=token,
            httpx_args=self._hooks(),
            raise_on_unexpected_status=True,
        )

    def sign_up_and_verify(self, school, language: str):
        from quad_client.api.auth import auth_signup, auth_verify_email
        from quad_client.api.notifications import notifications_list
        from quad_client.models import (
            AccountOut,
            Problem,
            SignupIn,
            SignupInLanguage,
            VerifyEmailIn,
        )

        nickname = f"py_{uuid.uuid4().hex[:8]}"
        email = f"{nickname}@{school.domain}"
        with self.anonymous() as client:
            signup = auth_signup.sync_detailed(
                client=client,
                body=SignupIn(
                    email=email,
                    password=PASSWORD,
                    nickname=nickname,
                    school_id=school.id,
                    language=SignupInLanguage(language),
                ),
            )
        assert signup.status_code == 201, signup.content
        assert isinstance(signup.parsed, AccountOut)
        assert signup.parsed.user.email_verified is False

        with self.signed_in(signup.parsed.tokens.access_token) as client:
            early = notifications_list.sync(client=client)
            assert isinstance(early, Problem)  # the problem, typed
            assert early.status == 403
            assert early.type_ == "urn:quad:problem:verification-required"
            verified = auth_verify_email.sync(
                client=client, body=VerifyEmailIn(code=verification_code(self.maildir, email))
            )
        assert isinstance(verified, AccountOut), verified
        assert verified.user.email_verified is True
        assert verified.user.nickname == nickname
        return verified


@pytest.fixture
def students(live_server, settings) -> Students:
    return Students(
        live_server, Conformance(json.loads(DOCUMENT.read_text())), settings.maildir_path
    )


def notification_about(client, comment_id):
    from quad_client.api.notifications import notifications_list
    from quad_client.models import PageNotificationOut

    deadline = time.monotonic() + 20
    while True:  # written by the comment-created event's handler, after the commit
        page = notifications_list.sync(client=client, limit=50)
        assert isinstance(page, PageNotificationOut), page
        found = [n for n in page.items if n.comment_id == comment_id]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no notification about comment {comment_id}"
        time.sleep(0.1)


def test_two_students_post_comment_and_are_notified_through_the_python_client(
    students, signup_school
):
    from quad_client.api.comments import comments_create
    from quad_client.api.posts import posts_create, posts_get
    from quad_client.models import CommentIn, CommentOut, PostIn, PostOut

    a = students.sign_up_and_verify(signup_school, "en")
    b = students.sign_up_and_verify(signup_school, "ko")
    assert a.user.school.id == signup_school.id

    with (
        students.signed_in(a.tokens.access_token) as as_a,
        students.signed_in(b.tokens.access_token) as as_b,
    ):
        post = posts_create.sync(
            board_id=signup_school.board,
            client=as_a,
            body=PostIn(title="Where is the quiet library floor?", body="Asking.", anonymous=True),
        )
        assert isinstance(post, PostOut), post
        assert (post.board_id, post.anonymous, post.is_mine) == (signup_school.board, True, True)

        seen = posts_get.sync(post_id=post.id, client=as_b)
        assert isinstance(seen, PostOut), seen
        assert seen.is_mine is False
        assert seen.author.id is None and seen.author.nickname is None  # nobody in particular

        comment = comments_create.sync(
            post_id=post.id, client=as_b, body=CommentIn(body="The fourth floor, by the windows.")
        )
        assert isinstance(comment, CommentOut), comment
        assert comment.post_id == post.id
        assert comment.author.nickname == b.user.nickname

        notification = notification_about(as_a, comment.id)
        assert notification.kind == "comment"
        assert notification.post_id == post.id
        assert notification.actor_label == b.user.nickname
        assert notification.read is False

    assert students.conformance.violations == []
    assert students.conformance.checked >= 10


def test_an_answer_the_document_does_not_describe_fails_the_client(
    live_server, settings, signup_school
):
    """The same client, checked against a document that says signup's answer has a field
    the server never sends: the first answer fails."""
    lying = json.loads(DOCUMENT.read_text())
    account = lying["components"]["schemas"]["AccountOut"]
    account["properties"]["school_name"] = {"type": "string"}
    account["required"].append("school_name")
    students = Students(live_server, Conformance(lying), settings.maildir_path)
    with pytest.raises(NotAsDocumented, match="school_name"):
        students.sign_up_and_verify(signup_school, "en")
    assert len(students.conformance.violations) == 1
