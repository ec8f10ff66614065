"""The IAM convention of the building blocks in terraform/modules, as in Cloud Foundation
Fabric, read with python-hcl2 (terraform validate needs the provider): an input named `iam`
(role => members) is authoritative and feeds only google_*_iam_binding resources, one named
`iam_bindings_additive` (key => {role, member}) is additive and feeds only
google_*_iam_member resources. Inputs are module variables or attributes of one (a topic's,
a secret's, an account's). What the platform passes to each is in test_platform.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.terraform.hcl import (
    PLATFORM,
    Block,
    blocks,
    locals_of,
    module_dirs,
    tf_files,
    variables,
)

IAM_RESOURCE = re.compile(r"^google_\w+_iam_(binding|member|policy)$")
# `.iam` or `.iam_bindings_additive` read from a variable or an object (var.iam, topic.iam,
# each.value.iam_bindings_additive), not the `.iam.` of a service agent's e-mail.
READS = re.compile(r"\.(iam|iam_bindings_additive)\b(?!\.gserviceaccount)")
TARGET = re.compile(r"\bgoogle_\w+\.\w+")
AUTHORITATIVE_TYPE = "optional(map(list(string)), {})"
ADDITIVE_TYPE = "optional(map(object({role = string, member = string})), {})"
# Role-specific member lists say neither authoritative nor additive: they became iam.
RETIRED = re.compile(r"\b(publishers|subscribers|accessors|readers|writers)\s*=")


def building_blocks() -> list[Path]:
    return [m for m in module_dirs() if m != PLATFORM]


def module_files(module: Path) -> list[Path]:
    return sorted(module.glob("*.tf"))


def iam_resources(module: Path) -> list[Block]:
    return [b for b in blocks("resource", module_files(module)) if IAM_RESOURCE.match(b.type)]


def expanded(expression: object, module: Path) -> str:
    """An expression with the locals it reads spelled out, recursively."""
    found = {}
    for path in module_files(module):
        found.update(locals_of(path))
    text, pending, seen = str(expression), [str(expression)], set()
    while pending:
        for name in re.findall(r"\blocal\.(\w+)", pending.pop()):
            if name in found and name not in seen:
                seen.add(name)
                pending.append(str(found[name]))
                text += "\n" + str(found[name])
    return text


def reads(resource: Block, module: Path) -> set[str]:
    """The IAM inputs a resource's for_each comes from."""
    return set(READS.findall(expanded(resource.body.get("for_each", ""), module)))


def targets(resource: Block) -> set[str]:
    """The resources of this module an IAM resource grants on (google_pubsub_topic.this)."""
    found = set()
    for key, value in resource.body.items():
        if key not in ("for_each", "role", "member", "members", "project"):
            found |= set(TARGET.findall(str(value)))
    return found


def iam_inputs(module: Path) -> dict[str, dict]:
    """Module variables that are IAM inputs or have IAM inputs among their attributes."""
    return {
        name: body
        for name, body in variables(module).items()
        if name in ("iam", "iam_bindings_additive")
        or re.search(r"\biam(_bindings_additive)?\s*=", body["type"])
    }


MODULES_WITH_IAM = [m for m in building_blocks() if iam_inputs(m)]


def test_the_modules_that_grant_roles_on_their_resources_take_the_iam_inputs():
    names = {m.name for m in MODULES_WITH_IAM}
    assert names == {
        "artifact-registry",
        "bigquery",
        "gcs-bucket",
        "pubsub",
        "secrets",
        "service-accounts",
    }


def test_no_iam_policy_resources():
    """A policy resource replaces every role on its resource, service agents' included."""
    found = [b.where() for b in blocks("resource") if b.type.endswith("_iam_policy")]
    assert not found, found


@pytest.mark.parametrize("module", building_blocks(), ids=lambda p: p.name)
def test_iam_feeds_only_bindings_and_iam_bindings_additive_only_members(module):
    problems = []
    for resource in iam_resources(module):
        inputs = reads(resource, module)
        if resource.type.endswith("_iam_binding"):
            if inputs != {"iam"}:
                problems.append(
                    f"{resource.where()} is authoritative but reads {inputs or 'no iam'}"
                )
        elif inputs - {"iam_bindings_additive"}:
            problems.append(f"{resource.where()} is additive but reads {inputs}")
        elif (
            not inputs
            and "${" in str(resource.body["role"])
            # Project roles are additive by nature (the project's policy is shared with
            # everything else); other grants the module makes itself name their role.
            and resource.type != "google_project_iam_member"
        ):
            problems.append(f"{resource.where()} grants roles from outside iam inputs")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", MODULES_WITH_IAM, ids=lambda p: p.name)
def test_every_iam_input_is_granted_by_its_kind_of_resource(module):
    """An input that nothing reads would accept roles and grant none."""
    kinds = {"iam": "_iam_binding", "iam_bindings_additive": "_iam_member"}
    resources = iam_resources(module)
    for name in iam_inputs(module):
        # A top-level input is itself one kind; a map of objects has both (checked below).
        attributes = [name] if name in kinds else list(kinds)
        source = re.compile(rf"\bvar\.{name}\b")
        for attribute in attributes:
            feeding = [
                r
                for r in resources
                if r.type.endswith(kinds[attribute])
                and attribute in reads(r, module)
                and source.search(expanded(r.body["for_each"], module))
            ]
            assert feeding, (
                f"{module.name}: var.{name} has {attribute}, no {kinds[attribute]} grants it"
            )


@pytest.mark.parametrize("module", MODULES_WITH_IAM, ids=lambda p: p.name)
def test_iam_inputs_have_fabrics_shapes_and_say_which_they_are(module):
    inputs = iam_inputs(module)
    for name, body in inputs.items():
        type_, description = body["type"], body["description"]
        if name == "iam":
            assert type_ == "${map(list(string))}", type_
            assert description.startswith("Authoritative"), description
        elif name == "iam_bindings_additive":
            assert type_ == "${map(object({role = string, member = string}))}", type_
            assert description.startswith("Additive"), description
        else:  # attributes of each object of a map
            assert f"iam = {AUTHORITATIVE_TYPE}" in type_, f"{name}: {type_}"
            assert f"iam_bindings_additive = {ADDITIVE_TYPE}" in type_, f"{name}: {type_}"
            assert "iam is authoritative" in description, f"{name}: {description}"
            assert "iam_bindings_additive is additive" in description, f"{name}: {description}"
        assert not RETIRED.search(type_), f"{module.name}: {name} {type_}"
    readme = (module / "README.md").read_text()
    section = readme[readme.index("\n## IAM\n") : readme.index("\n## Inputs")]
    assert "**authoritative**" in section and "**additive**" in section
    # Each README says what the platform chose for its resources, and why.
    assert "In `platform`" in section, f"{module.name}/README.md: say what platform uses"


@pytest.mark.parametrize("module", MODULES_WITH_IAM, ids=lambda p: p.name)
def test_a_role_is_authoritative_or_additive_never_both(module):
    """Binding a role that a member resource also grants would revoke it at every apply."""
    conditions = [
        str(v["condition"])
        for body in variables(module).values()
        for v in body.get("validation", [])
    ]
    assert any(
        "iam_bindings_additive" in c and re.search(r"contains\(keys\([\w.]*\biam\)", c)
        for c in conditions
    ), f"{module.name}: no validation keeps a role out of iam and iam_bindings_additive at once"


@pytest.mark.parametrize("module", building_blocks(), ids=lambda p: p.name)
def test_no_authoritative_binding_can_revoke_the_modules_own_grants(module):
    """A role the module grants itself (e.g. the Pub/Sub agent's subscriber on each
    subscription) must be refused by validation in an `iam` that binds the same resource."""
    resources = iam_resources(module)
    conditions = "\n".join(
        str(v["condition"])
        for body in variables(module).values()
        for v in body.get("validation", [])
    )
    for own in resources:
        role = str(own.body.get("role", ""))
        if not own.type.endswith("_iam_member") or "${" in role:
            continue
        for binding in resources:
            if binding.type == own.type.replace("_iam_member", "_iam_binding") and (
                targets(binding) & targets(own)
            ):
                assert f'"{role}"' in conditions, (
                    f"{binding.where()} could bind {role}, which {own.where()} grants"
                )


def test_no_role_specific_member_lists_remain():
    for path in tf_files():
        if path.parent.parent.name == "modules" or path.parent.parent.name == "envs":
            found = RETIRED.findall(path.read_text())
            assert not found, f"{path}: {found} (use iam or iam_bindings_additive)"
