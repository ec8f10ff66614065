"""The shape of terraform/, checked offline with python-hcl2 (terraform validate and plan
need the google provider and run in Cloud Build): module layout and documentation, typed
and described variables, pinned providers, thin environment roots over one platform
module, and the rules every module keeps: no basic roles, no keys, private Cloud SQL with
TLS and backups, dead-letter topics on every subscription, private buckets. What the
platform composes (who may do what, which settings each workload gets) is in
test_platform.py."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl import (
    ENV_NAMES,
    ENVS,
    MODULES,
    PLATFORM,
    ROOT,
    TERRAFORM,
    VAR_REF,
    blocks,
    env_call,
    load,
    loads,
    module_dirs,
    one,
    platform_files,
    readme_usage,
    resources,
    root_dirs,
    tf_files,
    tfvars,
    variables,
    walk_strings,
)

MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
TLS_MODES = {"TRUSTED_CLIENT_CERTIFICATE_REQUIRED", "ENCRYPTED_ONLY"}
PINNED = re.compile(r"^\d+\.\d+\.\d+$")
SHARED_ROOT_FILES = ("variables.tf", "outputs.tf", "versions.tf")


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def required_providers(path) -> dict[str, dict]:
    terraform = load(path)["terraform"][0]
    return {k: v for entry in terraform.get("required_providers", []) for k, v in entry.items()}


# --- layout and documentation ----------------------------------------------------------------


def test_the_platform_has_its_modules_and_both_environments():
    names = {p.name for p in module_dirs()}
    assert {
        "platform",
        "project-services",
        "network",
        "service-accounts",
        "cloud-sql",
        "artifact-registry",
        "secrets",
        "gcs-bucket",
        "cloud-run-service",
        "cloud-run-job",
        "pubsub",
        "functions",
        "scheduler",
        "bigquery",
        "composer",
        "monitoring",
        "budget",
    } <= names
    for env in root_dirs():
        for name in (
            "main.tf",
            "variables.tf",
            "outputs.tf",
            "versions.tf",
            "terraform.tfvars",
            "backend.hcl",
        ):
            assert (env / name).is_file(), f"{env.relative_to(ROOT)} lacks {name}"


@pytest.mark.parametrize("module", module_dirs(), ids=lambda p: p.name)
def test_every_module_has_the_four_files_and_a_readme(module):
    missing = [name for name in MODULE_FILES if not (module / name).is_file()]
    assert not missing, f"{module.name} lacks {missing}"


@pytest.mark.parametrize("module", module_dirs(), ids=lambda p: p.name)
def test_module_readme_lists_every_input_and_output(module):
    readme = (module / "README.md").read_text()
    inputs = [b.name for b in blocks("variable", [module / "variables.tf"])]
    outputs = [b.name for b in blocks("output", [module / "outputs.tf"])]
    assert inputs or outputs
    undocumented = [n for n in inputs + outputs if f"`{n}`" not in readme]
    assert not undocumented, f"{module.name}/README.md does not list {undocumented}"
    assert "## Inputs" in readme and "## Outputs" in readme


@pytest.mark.parametrize("module", module_dirs(), ids=lambda p: p.name)
def test_module_readme_opens_with_a_usage_example_that_sets_every_required_input(module):
    """As Fabric's READMEs do: a reader copies the call, and it names what must be set.
    Sources are relative to the caller: an environment root for the platform, the platform
    for the building blocks."""
    usage = readme_usage(module)
    assert usage, f"{module.name}/README.md: title, a sentence or two, then a ```hcl block"
    assert usage["title"] == module.name
    intro = usage["intro"]
    assert "\n\n" not in intro and len(intro) <= 200 and "#" not in intro, intro
    readme = (module / "README.md").read_text()
    assert readme.index("```hcl") < readme.index("\n## "), "the example comes first"
    calls = loads(usage["hcl"]).get("module", [])
    assert len(calls) == 1 and len(calls[0]) == 1, f"{module.name}: one module block"
    (args,) = calls[0].values()
    expected = "../../modules/platform" if module == PLATFORM else f"../{module.name}"
    assert args["source"] == expected, args["source"]
    declared = variables(module)
    unknown = set(args) - {"source"} - set(declared)
    assert not unknown, f"{module.name}/README.md sets {unknown}, which the module does not take"
    required = {name for name, body in declared.items() if "default" not in body}
    assert not required - set(args), f"{module.name}/README.md leaves out {required - set(args)}"


def test_variables_and_outputs_live_in_their_files():
    """A reader finds every input in variables.tf and every output in outputs.tf."""
    for path in tf_files():
        if path.name != "variables.tf":
            assert not load(path).get("variable"), f"variable outside variables.tf: {path}"
        if path.name != "outputs.tf":
            assert not load(path).get("output"), f"output outside outputs.tf: {path}"


def test_every_variable_has_a_type_and_a_description():
    problems = []
    for var in blocks("variable"):
        if not var.body.get("type"):
            problems.append(f"{var.where()}: no type")
        if not str(var.body.get("description", "")).strip():
            problems.append(f"{var.where()}: no description")
    assert not problems, "\n".join(problems)


def test_every_output_has_a_description():
    missing = [o.where() for o in blocks("output") if not str(o.body.get("description", ""))]
    assert not missing, missing


def test_every_variable_is_documented_for_platform_engineers():
    """terraform/README.md's variable table covers the roots' and the platform's inputs."""
    readme = (TERRAFORM / "README.md").read_text()
    table = readme[readme.index("## Variables") :]
    table = table[: table.index("\n## ", 1)]
    names = set(variables(ENVS / "dev")) | set(variables(PLATFORM))
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"the Variables table of terraform/README.md does not describe {missing}"


# --- providers and state ---------------------------------------------------------------------


def test_roots_pin_exact_provider_versions_and_keep_state_in_gcs():
    for env in root_dirs():
        providers = required_providers(env / "versions.tf")
        assert providers["google"]["source"] == "hashicorp/google"
        for name, spec in providers.items():
            assert PINNED.match(spec["version"]), f"{env.name}: {name} {spec['version']} not pinned"
        terraform = load(env / "versions.tf")["terraform"][0]
        backends = {k: v for entry in terraform["backend"] for k, v in entry.items()}
        # The bucket comes from -backend-config, never from the code.
        assert backends == {"gcs": {}}, backends
        backend_config = (env / "backend.hcl").read_text()
        bucket = re.search(r'^bucket\s*=\s*"([^"]+)"', backend_config, re.M)
        assert bucket and re.search(r"^prefix\s*=", backend_config, re.M)
        # The deployer's read access (for plan in Cloud Build) is on that same bucket.
        assert tfvars(env.name)["terraform_state_bucket"] == bucket.group(1)


def test_modules_accept_the_pinned_provider():
    pinned = {
        name: version_tuple(spec["version"])
        for name, spec in required_providers(ENVS / "dev" / "versions.tf").items()
    }
    for module in module_dirs():
        for name, spec in required_providers(module / "versions.tf").items():
            assert name in pinned, f"{module.name} needs provider {name} the roots do not pin"
            for clause in spec["version"].split(","):
                op, version = re.match(r"\s*(>=|<|<=|>|=)?\s*([\d.]+)", clause).groups()
                bound = version_tuple(version)
                ok = {
                    ">=": pinned[name] >= bound,
                    ">": pinned[name] > bound,
                    "<": pinned[name] < bound,
                    "<=": pinned[name] <= bound,
                }.get(op or "=", pinned[name] == bound)
                assert ok, f"{module.name}: {name} {spec['version']} excludes {pinned[name]}"


# --- thin environment roots ------------------------------------------------------------------


def test_environment_roots_share_everything_but_their_values():
    for name in SHARED_ROOT_FILES:
        dev, prod = ((ENVS / env / name).read_text() for env in ENV_NAMES)
        assert dev == prod, f"envs/dev/{name} and envs/prod/{name} differ"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_an_environment_root_is_one_call_of_the_platform_module(env):
    root = load(ENVS / env / "main.tf")
    assert set(root) == {"module"}, f"envs/{env}/main.tf defines more than the call: {set(root)}"
    (call,) = list(blocks("module", [ENVS / env / "main.tf"]))
    assert call.name == "platform" and call.body["source"] == "../../modules/platform"
    assert call.body["environment"] == env
    platform_vars = variables(PLATFORM)
    passed = set(call.body) - {"source"}
    unknown = passed - set(platform_vars)
    assert not unknown, f"envs/{env} passes {unknown}, which the platform does not take"
    required = {name for name, body in platform_vars.items() if "default" not in body}
    assert not required - passed, f"envs/{env} does not set {required - passed}"
    # Every root variable reaches the platform.
    declared = set(variables(ENVS / env))
    used = {m.group(1) for v in call.body.values() if (m := VAR_REF.match(str(v)))}
    assert declared == used, f"envs/{env}: unused {declared - used}, undeclared {used - declared}"


def test_both_environments_decide_the_same_settings():
    """prod cannot silently fall back to a default that dev sets, or the other way round."""
    dev, prod = (set(env_call(env)) for env in ENV_NAMES)
    assert dev == prod, f"only dev sets {dev - prod}; only prod sets {prod - dev}"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_tfvars_set_every_required_variable_and_nothing_else(env):
    declared = variables(ENVS / env)
    values = tfvars(env)
    assert not set(values) - set(declared), f"undeclared: {set(values) - set(declared)}"
    required = {name for name, body in declared.items() if "default" not in body}
    assert not required - set(values), f"{env} lacks {required - set(values)}"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_tfvars_hold_no_secrets(env):
    text = (ENVS / env / "terraform.tfvars").read_text()
    assert not re.search(r"^\s*\w*(password|secret|token|private_key)\w*\s*=", text, re.M | re.I)
    assert "PRIVATE KEY" not in text


def test_prod_is_protected_and_highly_available():
    prod = env_call("prod")
    assert prod["deletion_protection"] is True
    assert prod["db_availability_type"] == "REGIONAL"
    assert prod["api_min_instances"] >= 1
    dev = env_call("dev")
    assert dev["deletion_protection"] is False  # dev can be torn down


def test_modules_are_only_used_from_this_repository():
    for env in root_dirs():
        for module in blocks("module", [env / "main.tf"]):
            assert module.body["source"] == "../../modules/platform", module.where()
    for module in blocks("module", platform_files()):
        source = module.body["source"]
        assert re.fullmatch(r"\.\./[a-z-]+", source), module.where()
        assert (PLATFORM / source).resolve().parent == MODULES
        assert (PLATFORM / source / "main.tf").is_file(), module.where()
    # Only the platform composes modules; the building blocks stand alone.
    for module_dir in module_dirs():
        if module_dir != PLATFORM:
            files = sorted(module_dir.glob("*.tf"))
            assert not list(blocks("module", files)), f"{module_dir.name} calls a module"


# --- identity and access ---------------------------------------------------------------------


def test_no_basic_roles_anywhere():
    for path in tf_files(extensions=(".tf", ".tfvars")):
        text = path.read_text()
        assert not re.search(r'"roles/(owner|editor|viewer)"', text), path
        found = BASIC_ROLES.intersection(walk_strings(load(path)))
        assert not found, f"{path.relative_to(ROOT)} grants {found}"


def test_no_service_account_keys():
    assert not resources("google_service_account_key")
    for path in tf_files():
        assert "google_service_account_key" not in path.read_text(), path


def test_no_public_members_anywhere():
    for path in tf_files(extensions=(".tf", ".tfvars")):
        text = path.read_text()
        assert "allUsers" not in text and "allAuthenticatedUsers" not in text, path


# --- Cloud SQL -------------------------------------------------------------------------------


def test_cloud_sql_is_private_requires_tls_and_keeps_backups():
    (instance,) = resources("google_sql_database_instance")
    settings = one(instance.body, "settings")
    ip = one(settings, "ip_configuration")
    assert ip["ipv4_enabled"] is False, "Cloud SQL must not have a public IP"
    assert ip.get("private_network"), "Cloud SQL needs its private network"
    assert "authorized_networks" not in ip

    # ssl_mode comes from a variable whose default and validation only allow TLS modes.
    ssl = VAR_REF.match(ip["ssl_mode"])
    module_vars = variables(instance.path.parent)
    if ssl:
        var = module_vars[ssl.group(1)]
        assert var["default"] in TLS_MODES
        condition = one(var, "validation")["condition"]
        assert all(mode in condition for mode in TLS_MODES)
    else:
        assert ip["ssl_mode"] in TLS_MODES

    backups = one(settings, "backup_configuration")
    assert backups["enabled"] is True
    assert backups["point_in_time_recovery_enabled"] is True
    assert one(settings, "maintenance_window")
    assert one(settings, "insights_config")["query_insights_enabled"] is True

    flags = {f["name"]: f["value"] for f in settings["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"
    for flag in ("log_connections", "log_disconnections", "log_lock_waits", "log_checkpoints"):
        assert flags[flag] == "on", flag
    assert "max_connections" in flags

    # Deletion protection follows the environment's setting (true in prod).
    assert instance.body["deletion_protection"] == "${var.deletion_protection}"
    assert settings["deletion_protection_enabled"] == "${var.deletion_protection}"


def test_database_users_are_iam_service_accounts():
    (user,) = resources("google_sql_user")
    assert user.body["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert "password" not in user.body


# --- Cloud Run -------------------------------------------------------------------------------


def test_the_api_service_probes_scales_and_stays_private_inside():
    (service,) = resources("google_cloud_run_v2_service")
    template = one(service.body, "template")
    assert one(template, "vpc_access")["egress"] == "PRIVATE_RANGES_ONLY"
    assert one(template, "scaling")
    container = one(template, "containers")
    resources_ = one(container, "resources")
    assert resources_["startup_cpu_boost"] is True
    startup = one(one(container, "startup_probe"), "http_get")["path"]
    liveness = one(one(container, "liveness_probe"), "http_get")["path"]
    module_vars = variables(service.path.parent)
    assert module_vars[VAR_REF.match(startup).group(1)]["default"] == "/readyz"
    assert module_vars[VAR_REF.match(liveness).group(1)]["default"] == "/healthz"
    # Secrets arrive as env vars from Secret Manager.
    dynamic_envs = [d["env"] for d in container["dynamic"] if "env" in d]
    assert any("value_source" in e["content"][0] for e in dynamic_envs)
    # Cloud Build owns the image and traffic once the service exists.
    ignored = one(service.body, "lifecycle")["ignore_changes"]
    assert any("image" in item for item in ignored)


# --- Pub/Sub, functions, buckets -------------------------------------------------------------


def test_every_subscription_has_a_dead_letter_topic_and_a_retry_policy():
    subscriptions = resources("google_pubsub_subscription")
    assert subscriptions
    for sub in subscriptions:
        retry = one(sub.body, "retry_policy")
        assert retry["minimum_backoff"] and retry["maximum_backoff"], sub.where()
        if sub.name == "dead_letter_hold":
            # The end of the line: it holds dead letters for inspection, nothing consumes it.
            assert "google_pubsub_topic.dead_letter" in sub.body["topic"], sub.where()
            continue
        policy = one(sub.body, "dead_letter_policy")
        assert policy["dead_letter_topic"], sub.where()
        assert policy["max_delivery_attempts"], sub.where()


def test_dead_lettering_is_authorized_for_the_pubsub_service_agent():
    text = "\n".join(p.read_text() for p in tf_files())
    assert "gcp-sa-pubsub.iam.gserviceaccount.com" in text
    for sub in resources("google_pubsub_subscription"):
        if sub.name == "dead_letter_hold":
            continue
        grants = [
            r
            for r in resources("google_pubsub_subscription_iam_member")
            if r.path == sub.path
            and f"google_pubsub_subscription.{sub.name}" in r.body["subscription"]
        ]
        assert any(g.body["role"] == "roles/pubsub.subscriber" for g in grants), sub.where()


def test_every_bucket_is_private_with_uniform_access():
    buckets = resources("google_storage_bucket")
    assert buckets
    for bucket in buckets:
        assert bucket.body["public_access_prevention"] == "enforced", bucket.where()
        assert bucket.body["uniform_bucket_level_access"] is True, bucket.where()


def test_functions_are_internal_bounded_and_reached_one_way():
    (function,) = resources("google_cloudfunctions2_function")
    service = one(function.body, "service_config")
    assert service["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    assert service["max_instance_request_concurrency"] == 1
    assert service["direct_vpc_egress"] == "VPC_EGRESS_PRIVATE_RANGES_ONLY"
    # Cloud Build owns the code once the function exists.
    assert one(function.body, "lifecycle")["ignore_changes"] == ["${build_config[0].source}"]
    validations = variables(function.path.parent)["functions"]["validation"]
    conditions = [v["condition"] for v in validations]
    assert any("f.topic == null || f.event_type == null" in c for c in conditions)
    assert any("f.topic == null) == (f.dead_letter_topic == null" in c for c in conditions)


def test_eventarc_triggers_retry_and_are_delivered_as_the_invoker():
    (function,) = resources("google_cloudfunctions2_function")
    (trigger,) = [d["event_trigger"] for d in function.body["dynamic"] if "event_trigger" in d]
    content = trigger["content"][0]
    assert "RETRY_POLICY_RETRY" in content["retry_policy"]
    assert content["service_account_email"] == "${var.invoker_service_account_email}"
    roles = {
        r.name: r.body["role"]
        for r in resources("google_project_iam_member")
        if r.path.parent == function.path.parent
    }
    # What Eventarc needs for a Cloud Storage trigger: the storage agent publishes, the
    # trigger's account receives.
    assert roles == {
        "invoker_event_receiver": "roles/eventarc.eventReceiver",
        "storage_agent_publisher": "roles/pubsub.publisher",
    }


def test_staged_function_source_is_required_before_zipping():
    (archive,) = [b for b in blocks("data") if b.type == "archive_file"]
    condition = one(one(archive.body, "lifecycle"), "precondition")["condition"]
    assert "main.py" in condition and "requirements.txt" in condition


# --- analytics, monitoring, budget -----------------------------------------------------------


def test_bigquery_tables_come_from_the_schema_folder_and_require_partition_filters():
    (table,) = resources("google_bigquery_table")
    main = (table.path).read_text()
    assert 'fileset(var.schema_dir, "*.json")' in main and "file(path)" in main
    assert "require_partition_filter" in table.body
    assert table.body["deletion_protection"] is True
    preconditions = one(table.body, "lifecycle")["precondition"]
    assert len(preconditions) == 2  # partition and clustering columns exist in the schema


def test_monitoring_covers_uptime_errors_latency_dead_letters_dags_and_cloud_sql():
    (uptime,) = resources("google_monitoring_uptime_check_config")
    assert one(uptime.body, "http_check")["path"] == "${var.uptime_path}"
    assert variables(uptime.path.parent)["uptime_path"]["default"] == "/healthz"
    policies = resources("google_monitoring_alert_policy")
    assert len(policies) >= 8
    # Filters are built in the module's locals and policies: read the module's text.
    filters = (policies[0].path).read_text()
    for metric in (
        "uptime_check/check_passed",
        "run.googleapis.com/request_count",
        "run.googleapis.com/request_latencies",
        "subscription/num_undelivered_messages",
        "subscription/oldest_unacked_message_age",
        "composer.googleapis.com/workflow/run_count",
        "cloudsql.googleapis.com/database/cpu/utilization",
        "cloudsql.googleapis.com/database/postgresql/num_backends",
    ):
        assert metric in filters, metric
    for policy in policies:
        assert one(policy.body, "documentation")["content"], policy.where()


def test_the_budget_alerts_on_actual_and_forecast_spend():
    (budget,) = resources("google_billing_budget")
    assert budget.body["billing_account"] == "${var.billing_account}"
    bases = {d["threshold_rules"]["content"][0]["spend_basis"] for d in budget.body["dynamic"]}
    assert bases == {"CURRENT_SPEND", "FORECASTED_SPEND"}


def test_every_checkov_skip_is_inline_with_its_reason():
    skip = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")
    found = 0
    for path in tf_files():
        for match in skip.finditer(path.read_text()):
            found += 1
            reason = (match.group(2) or "").strip()
            assert len(reason) >= 20, f"{path.relative_to(ROOT)}: {match.group(1)} needs a reason"
    assert found, "expected the documented skips"
    config = (TERRAFORM / ".checkov.yaml").read_text()
    assert "skip-check" not in config, "skips belong inline, next to the resource"
