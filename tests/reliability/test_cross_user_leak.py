"""The reported attack, end to end against a real server with one worker and one pooled
connection: a user of another school sends poisoned cursors; every other request, by
anyone, must still be answered with the caller's own data.

Before the fix the poisoned search left the only connection out of step with its server,
and the next `GET /v1/users/me` by the attacker answered with the victim's account.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import PASSWORD, running_server
from tests.reliability.hostile import HOSTILE_CURSORS

pytestmark = pytest.mark.live

ONE_CONNECTION = {"WEB_CONCURRENCY": "1", "DB_POOL_SIZE": "1", "DB_MAX_OVERFLOW": "0"}


def test_every_user_only_ever_receives_their_own_data(database_url, world, figures):
    hanbit, other = world.school("한빛대학교"), world.school("Riverside College")
    board = world.board(other, "Free")
    victims = [world.user(hanbit, name) for name in ("junho", "minji", "seoyeon")]
    attacker = world.user(other, "attacker")
    everyone = [*victims, attacker]
    poisoned = [
        f"/v1/schools/{other}/posts/search?q=ab&cursor={h.cursor}" for h in HOSTILE_CURSORS
    ] + [f"/v1/boards/{board}/posts?cursor={h.cursor}" for h in HOSTILE_CURSORS]
    counts = {"requests": 0, "5xx": 0, "foreign": 0}
    worst = 0.0
    lock = threading.Lock()

    def timed_get(client: httpx.Client, url: str, user) -> httpx.Response:
        nonlocal worst
        started = time.monotonic()
        r = client.get(url, headers=user.headers)
        with lock:
            worst = max(worst, time.monotonic() - started)
            counts["requests"] += 1
            counts["5xx"] += r.status_code >= 500
        return r

    def me(client: httpx.Client, user) -> None:
        r = timed_get(client, "/v1/users/me", user)
        assert r.status_code == 200, (user.nickname, r.status_code, r.text)
        body = r.json()
        if (body["id"], body["email"], body["nickname"]) != (
            str(user.id),
            user.email,
            user.nickname,
        ):
            with lock:
                counts["foreign"] += 1
            raise AssertionError(f"{user.nickname} was answered with {body}")

    def poison(client: httpx.Client, url: str) -> None:
        r = timed_get(client, url, attacker)
        assert r.status_code == 422, (url, r.status_code, r.text)

    with running_server(workers=1, env=ONE_CONNECTION) as (_proc, base):
        with httpx.Client(base_url=base, timeout=30) as client:
            # As reported: the poisoned request, then the victim, then the attacker.
            for url in poisoned:
                poison(client, url)
                for user in everyone:
                    me(client, user)
            # The victim's correct password still signs the victim in.
            login = client.post(
                "/v1/auth/login", json={"email": victims[0].email, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            mine = client.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
            assert mine.json()["id"] == str(victims[0].id)

        # And at once: the victims on their own connections while the attacker sends all.
        deadline = time.monotonic() + 20

        def victim_loop(user) -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                for _ in range(30):
                    if time.monotonic() > deadline:
                        return
                    me(c, user)

        def attacker_loop() -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                for url in poisoned:
                    poison(c, url)
                    me(c, attacker)

        with ThreadPoolExecutor(len(victims) + 1) as pool:
            futures = [pool.submit(victim_loop, v) for v in victims]
            futures.append(pool.submit(attacker_loop))
            for future in futures:
                future.result()
    for name, value in counts.items():
        figures.add(name, value)
    figures.max("worst latency s", worst)
    assert counts["5xx"] == 0 and counts["foreign"] == 0
