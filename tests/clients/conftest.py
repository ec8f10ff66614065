"""The generated clients against a live server: the generated Python package is imported
from clients/python, where `make clients` writes it (it is not installed)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest

from tests.conftest import running_server

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
sys.path.insert(0, str(CLIENTS / "python"))

DOMAIN = "hanbit.ac.kr"


@pytest.fixture(scope="package")
def live_server(database_url) -> Iterator[str]:
    """One real server for both clients' tests (tests/conftest.py starts one per module)."""
    with running_server() as (_proc, base):
        yield base


@dataclass
class SignupSchool:
    id: UUID
    domain: str
    board: UUID


@pytest.fixture
def signup_school(world) -> SignupSchool:
    """A school taking signups at DOMAIN, with a board; nobody in it yet."""
    school = world.school("Hanbit University", domains=(DOMAIN,))
    return SignupSchool(school, DOMAIN, world.board(school, "자유게시판"))
