"""The OpenAPI document describes the problems the server answers (api/openapi.py).

tests/reliability/test_fuzz_openapi.py checks every answer of a bounded hostile run
against the document; these check what that run cannot reach (budgets, the signed-out
answers) and that the check itself bites when the document leaves an answer out.
"""

from __future__ import annotations

import copy
import re

import pytest
import schemathesis
from schemathesis.specs.openapi import checks

from api import openapi
from api.main import create_app
from tests.api.helpers import create_post
from tests.clients.conformance import Conformance

MISSING = "00000000-0000-7000-8000-000000000000"


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app().openapi()


def _response(document: dict, operation: dict, status: str) -> dict:
    response = operation["responses"][status]
    if "$ref" in response:
        return document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def _problem_types(document: dict, operation: dict, status: str) -> set[str]:
    return set(_response(document, operation, status)["x-problem-types"])


def test_every_error_answer_is_a_problem_and_fastapis_default_shape_is_gone(document):
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) > 60
    for operation in operations:
        for status in operation["responses"]:
            if int(status) >= 400:
                content = _response(document, operation, status)["content"]
                assert list(content) == ["application/problem+json"], status
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert {"type", "title", "status"} <= set(schemas["Problem"]["required"])
    assert "HTTPValidationError" not in str(document)


def test_the_problems_a_route_can_raise_are_read_from_its_code(document):
    create = document["paths"]["/v1/boards/{board_id}/posts"]["post"]
    assert {"401", "403", "404", "408", "413", "422", "429", "503"} <= set(create["responses"])
    assert _problem_types(document, create, "403") == {
        "urn:quad:problem:account-suspended",
        "urn:quad:problem:board-read-only",
        "urn:quad:problem:verification-required",
    }
    assert "urn:quad:problem:board-anonymous-only" in _problem_types(document, create, "422")
    assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(
        _response(document, create, "429")["headers"]
    )
    assert "WWW-Authenticate" in _response(document, create, "401")["headers"]
    signup = document["paths"]["/v1/auth/signup"]["post"]
    assert "urn:quad:problem:email-domain-mismatch" in _problem_types(document, signup, "422")
    assert "401" not in signup["responses"]  # no token needed, so none refused
    login = document["paths"]["/v1/auth/login"]["post"]
    assert "urn:quad:problem:account-locked" in _problem_types(document, login, "429")


def test_every_extension_member_a_raise_passes_is_in_the_problem_schema():
    passed: set[str] = set()
    for members in openapi.class_fields().values():
        passed |= members
    everything = list(openapi._functions())
    for members in openapi.problems_raised(everything).values():
        passed |= members
    assert passed, "the reader found no extension member at all"
    assert passed <= set(openapi.EXTENSION_MEMBERS), passed - set(openapi.EXTENSION_MEMBERS)


def _validate(document: dict, path: str, method: str, response, **path_parameters) -> None:
    schema = schemathesis.openapi.from_dict(document)
    case = schema[path][method].Case(path_parameters=path_parameters)
    case.validate_response(
        response,
        checks=[
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )


def test_a_real_answer_is_described_and_the_check_fails_once_it_is_not(document, client, campus):
    response = client.get(f"/v1/posts/{MISSING}", headers=campus.alice.headers)
    assert response.status_code == 404
    _validate(document, "/v1/posts/{post_id}", "GET", response, post_id=MISSING)

    without_404 = copy.deepcopy(document)
    del without_404["paths"]["/v1/posts/{post_id}"]["get"]["responses"]["404"]
    with pytest.raises(BaseException, match=r"(?i)undocumented status code"):
        _validate(without_404, "/v1/posts/{post_id}", "GET", response, post_id=MISSING)


def test_a_budget_refusal_is_described(document, client, campus, override_settings):
    override_settings(LIMIT_POST_PER_USER=1)
    create_post(client, campus.alice, campus.board)
    response = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "again", "body": "too soon"},
        headers=campus.alice.headers,
    )
    assert response.status_code == 429, response.text
    _validate(document, "/v1/boards/{board_id}/posts", "POST", response, board_id=campus.board)


def test_a_204_answer_has_no_body_and_no_content_type(document, client, campus):
    post = create_post(client, campus.alice, campus.board)
    response = client.delete(f"/v1/posts/{post['id']}", headers=campus.alice.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert "content" not in document["paths"]["/v1/posts/{post_id}"]["delete"]["responses"]["204"]


def test_operation_ids_are_stable_names_of_their_domain(document):
    ids = []
    for path in document["paths"].values():
        for operation in path.values():
            domain, _, verb = operation["operationId"].partition(".")
            assert verb and verb.replace("_", "").isalpha() and verb.islower(), operation
            assert operation["tags"] == [domain], operation["operationId"]
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))
    assert "posts.create" in ids and "comments.list" in ids


def test_pages_share_one_description_of_cursor_and_limit(document):
    listing = document["paths"]["/v1/boards/{board_id}/posts"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/Cursor"} in listing
    assert {"$ref": "#/components/parameters/Limit"} in listing
    assert document["components"]["parameters"]["Cursor"]["in"] == "query"
    inline = [
        p
        for path in document["paths"].values()
        for op in path.values()
        for p in op.get("parameters", [])
        if p.get("name") in ("cursor", "limit")
    ]
    assert not inline


# --- request body examples -----------------------------------------------------------

JSON = "application/json"


def _json_bodies(document: dict) -> dict[str, tuple[str, str, dict]]:
    """operationId → (method, path, its JSON request body's media type object)."""
    return {
        operation["operationId"]: (method, path, operation["requestBody"]["content"][JSON])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if JSON in operation.get("requestBody", {}).get("content", {})
    }


def _examples(document: dict, media_type: dict) -> list:
    """A body's examples: the schema's own (where pydantic's `json_schema_extra` puts
    them) and any the media type lists (where `Body(openapi_examples=...)` would)."""
    schema = media_type["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    named = [example["value"] for example in media_type.get("examples", {}).values()]
    return [*schema.get("examples", []), *named]


def example_faults(document: dict) -> dict[str, list[str]]:
    """operationId → what is wrong with its body's examples: none at all, or one the
    body's schema (the document's, `$ref`s resolved) refuses."""
    conformance = Conformance(document)
    faults: dict[str, list[str]] = {}
    for operation_id, (method, path, media_type) in _json_bodies(document).items():
        examples = _examples(document, media_type)
        found = [] if examples else ["no example"]
        for n, example in enumerate(examples):
            found += [
                f"example {n}: {e}" for e in conformance.request_body_errors(method, path, example)
            ]
        if found:
            faults[operation_id] = found
    return faults


def test_every_json_request_body_has_examples_its_schema_accepts(document):
    assert len(_json_bodies(document)) >= 27
    assert example_faults(document) == {}


def test_the_example_check_fails_on_a_body_without_one_or_with_a_wrong_one(document):
    broken = copy.deepcopy(document)
    del broken["components"]["schemas"]["PostIn"]["examples"]
    broken["components"]["schemas"]["ReportIn"]["examples"] = [{"reason": "boring"}]
    comment = broken["paths"]["/v1/posts/{post_id}/comments"]["post"]["requestBody"]
    comment["content"][JSON]["examples"] = {"long": {"value": {"body": "x" * 2001}}}
    faults = example_faults(broken)
    assert faults["posts.create"] == ["no example"]
    assert faults["reports.report_post"] == faults["reports.report_comment"]
    assert "'boring' is not one of" in faults["reports.report_post"][0]
    assert "is too long" in faults["comments.create"][0]
    assert set(faults) == {
        "posts.create",
        "reports.report_post",
        "reports.report_comment",
        "comments.create",
    }


def _first_example(document: dict, operation_id: str) -> dict:
    examples = _examples(document, _json_bodies(document)[operation_id][2])
    assert examples, f"{operation_id}: its request body has no example"
    return copy.deepcopy(examples[0])


def test_representative_examples_pass_the_apis_own_validation(document, client, campus, world):
    """The examples as the server reads them, not only as the schema describes them:
    each is sent as written, but for the ids of rows the test makes (the example's
    school does not exist here)."""
    alice, bob = campus.alice, campus.bob
    post = create_post(client, alice, campus.board)
    school = world.school("Hanbit University", domains=("hanbit.ac.kr",))
    signup = _first_example(document, "auth.signup") | {"school_id": str(school)}
    sends = [
        ("posts.create", "POST", f"/v1/boards/{campus.board}/posts", alice, None),
        ("comments.create", "POST", f"/v1/posts/{post['id']}/comments", bob, None),
        ("reports.report_post", "PUT", f"/v1/posts/{post['id']}/report", bob, None),
        ("timetables.create", "POST", "/v1/timetables", alice, None),
        ("auth.signup", "POST", "/v1/auth/signup", None, signup),
    ]
    for operation_id, method, url, user, body in sends:
        _, template, _ = _json_bodies(document)[operation_id]
        operation = document["paths"][template][method.lower()]
        success = next(status for status in operation["responses"] if status.startswith("2"))
        response = client.request(
            method,
            url,
            json=body or _first_example(document, operation_id),
            headers=user.headers if user else {},
        )
        assert str(response.status_code) == success, (operation_id, response.text)


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_no_pattern_means_one_thing_here_and_another_to_a_client(document):
    # A client validates a `pattern` as ECMA-262, where \w, \d, \s and \b are ASCII only;
    # here they match every script, so a nickname like 김민지 would pass the server and
    # fail the app that checked it first.
    patterns = _patterns(document)
    assert patterns  # the walk reaches the document's patterns
    shorthand = re.compile(r"(?<!\\)\\[wWdDsSbB]")
    assert [p for p in patterns if shorthand.search(p)] == []
