"""Hostile input for every operation of the OpenAPI document (schemathesis), as a
signed-in user, against a real server: no answer may be a 5xx, and every answer must be
one the document describes (its status, content type, body and headers), so the document
app developers generate clients from tells the truth (api/openapi.py).

Schemathesis generates valid and invalid requests (wrong types, missing and extra fields,
out-of-range numbers, odd strings) from the document. A generated id that is a valid UUID
is swapped for a real object of that kind, so requests get past their 404s and reach the
rules and the database; invalid ids stay as generated, to test validation. A fixed seed
and a bounded number of examples per operation keep the run repeatable and short.
"""

from __future__ import annotations

import io
from uuid import UUID

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi import checks

from api.core.errors import PROBLEM_JSON
from api.main import create_app
from api.openapi import problem_types
from tests.api.helpers import create_comment, create_post

pytestmark = pytest.mark.live

EXAMPLES_PER_OPERATION = 10
OPERATIONS_SEEN: set[str] = set()
CATALOG = (
    "code,name,professor,credits,schedule\n"
    "CS101,Intro,Kim,3,Mon 09:00-10:15\n"
    "CS102,Data,Lee,3,Tue 09:00-10:15\n"
)


@pytest.fixture
def real_objects(client, campus) -> dict[str, str]:
    """One object of each kind a path can name, visible to alice (the caller)."""
    from api.courses.importer import import_catalog, parse_catalog
    from api.moderation import service as moderation
    from api.users.models import RoleName
    from infra.database import session_scope

    alice, bob, carol = campus.alice, campus.bob, campus.carol
    with session_scope() as session:
        import_catalog(session, campus.school, "2026-2", parse_catalog(io.StringIO(CATALOG)))
        # An administrator: the moderation endpoints get past their role checks.
        moderation.grant(session, None, alice.id, RoleName.admin, None)
    course = client.get(
        f"/v1/schools/{campus.school}/courses", params={"semester": "2026-2"}, headers=alice.headers
    ).json()["items"][0]
    own_post = create_post(client, alice, campus.board)
    bobs_post = create_post(client, bob, campus.board)
    create_comment(client, bob, own_post["id"])  # a notification for alice
    comment = create_comment(client, bob, bobs_post["id"])
    timetable = client.post(
        "/v1/timetables", json={"semester": "2026-2", "name": "Mine"}, headers=alice.headers
    ).json()
    request = client.post(
        "/v1/friends/requests", json={"user_id": str(alice.id)}, headers=carol.headers
    ).json()
    upload = client.post(
        "/v1/uploads",
        json={"content_type": "image/jpeg", "size": 1000, "file_name": "a.jpg"},
        headers=alice.headers,
    ).json()
    notification = client.get("/v1/notifications", headers=alice.headers).json()["items"][0]
    return {
        "school_id": str(campus.school),
        "board_id": str(campus.board),
        "post_id": bobs_post["id"],
        "comment_id": comment["id"],
        "course_id": course["id"],
        "professor_id": course["professor"]["id"],
        "timetable_id": timetable["id"],
        "request_id": request["id"],
        "upload_id": upload["id"],
        "notification_id": notification["id"],
        "user_id": str(bob.id),
    }


# What "the document describes the answer" means, check by check.
CONFORMANCE = [
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]

# The document the server serves, made at collection (as tests/api/test_routes.py does):
# every operation is a test of its own.
DOCUMENT = create_app().openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def _is_uuid(value: object) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case, live_server, campus, real_objects, figures
):
    for name, value in (case.path_parameters or {}).items():
        if name in real_objects and _is_uuid(value):
            case.path_parameters[name] = real_objects[name]
    response = case.call(
        base_url=live_server, headers={"Authorization": f"Bearer {campus.alice.token}"}, timeout=30
    )
    OPERATIONS_SEEN.add(f"{case.operation.method} {case.operation.path}")
    figures.set("operations", len(OPERATIONS_SEEN))
    figures.add("requests")
    figures.add("5xx", response.status_code >= 500)
    figures.max("worst latency s", response.elapsed)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}: "
        f"{response.text[:500]}\n{case.as_curl_command()}"
    )
    case.validate_response(response, checks=CONFORMANCE)
    if response.headers.get("content-type") == PROBLEM_JSON:
        documented = problem_types(DOCUMENT, case.operation.path, case.method, response.status_code)
        assert response.json()["type"] in documented, (
            f"{case.method} {case.formatted_path} answered {response.json()['type']}, "
            f"which its {response.status_code} does not list: {documented}"
        )
