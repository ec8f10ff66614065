"""Password hashing (argon2id) that cannot be turned against the server.

Each hash in progress holds PASSWORD_HASH_MEMORY_KIB of memory and a core for its time,
and anyone can start one (a signup, or a login with any email). So a process runs at most
`Settings.password_hash_slots` at once; a request that cannot start within
PASSWORD_HASH_WAIT_SECONDS is refused with `Overloaded` (503) before it has written
anything. Verifying a stored hash made with a larger memory cost takes as many slots as
its memory needs, so the budget holds for old hashes too until they are rehashed.

The hashes run on a pool of exactly that many threads, not on the request's thread:
glibc's malloc keeps a freed hash's memory in the arena of the thread that hashed (for
hashes under its 32 MiB mmap ceiling), so hashing on whichever of the server's threads
left one hash's worth resident per thread that ever hashed, far beyond the budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

import argon2
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.core.errors import Overloaded
from infra.settings import Settings, get_settings

T = TypeVar("T")


class HashSlots:
    """A counting semaphore whose holders may take several units at once. At most `size`
    wait: one more is refused at once, since a waiting request holds its place among the
    requests in flight (api/core/middleware.py), which reads need too."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._waiting = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, count: int, timeout: float) -> Iterator[None]:
        count = max(1, min(count, self.size))  # one hash larger than the budget still runs
        deadline = time.monotonic() + timeout
        with self._changed:
            if self._free < count:
                if self._waiting >= self.size:
                    raise Overloaded(retry_after=1)
                self._waiting += 1
                try:
                    while self._free < count:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise Overloaded(retry_after=1)
                        self._changed.wait(remaining)
                finally:
                    self._waiting -= 1
            self._free -= count
        try:
            yield
        finally:
            with self._changed:
                self._free += count
                self._changed.notify_all()


# Cached by value: a process whose settings change (tests) gets matching objects.
@cache
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHash:
    return PasswordHash(
        (Argon2Hasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism),)
    )


@cache
def _slots(size: int) -> HashSlots:
    return HashSlots(size)


@cache
def _threads(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="password-hash")


@cache
def _dummy_hash(memory_kib: int, time_cost: int, parallelism: int) -> str:
    """Verified against when the email is unknown, so both cases cost the same. Made on
    first use (inside a slot): hashing is deliberately slow and start-up should not be."""
    return _hasher(memory_kib, time_cost, parallelism).hash("not-a-real-password")


def _params(settings: Settings) -> tuple[int, int, int]:
    return (
        settings.password_hash_memory_kib,
        settings.password_hash_time_cost,
        settings.password_hash_parallelism,
    )


def hasher(settings: Settings | None = None) -> PasswordHash:
    return _hasher(*_params(settings or get_settings()))


def _run(settings: Settings, memory_kib: int, work: Callable[[], T]) -> T:
    """`work()` on a hashing thread once slots for `memory_kib` are free (at most
    PASSWORD_HASH_WAIT_SECONDS away), else `Overloaded`."""
    size = settings.password_hash_slots
    units = -(-memory_kib // settings.password_hash_memory_kib)
    with _slots(size).hold(units, settings.password_hash_wait_seconds):
        # The slots bound the hashes in progress to the pool's size: it never queues.
        return _threads(size).submit(work).result()


def _memory_of(stored: str) -> int:
    try:
        return argon2.extract_parameters(stored).memory_cost
    except argon2.exceptions.InvalidHashError:
        return 0


def hash_password(password: str) -> str:
    """The hash to store. Raises `Overloaded` when no slot frees up in time."""
    settings = get_settings()
    work = hasher(settings).hash
    return _run(settings, settings.password_hash_memory_kib, lambda: work(password))


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(valid, new hash to store if the stored one has other parameters). `stored` None
    (no such account) verifies against a dummy hash: the same work, always invalid.
    Raises `Overloaded` when no slot frees up in time."""
    settings = get_settings()
    params = _params(settings)
    if stored is None:

        def dummy() -> tuple[bool, str | None]:
            _hasher(*params).verify(password, _dummy_hash(*params))
            return False, None

        return _run(settings, settings.password_hash_memory_kib, dummy)
    # A rehash (verify_and_update) runs after the verify, in the same slots.
    memory = max(settings.password_hash_memory_kib, _memory_of(stored))
    return _run(settings, memory, lambda: _hasher(*params).verify_and_update(password, stored))
