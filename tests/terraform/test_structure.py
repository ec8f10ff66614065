"""The shape of terraform/, checked offline with python-hcl2 (terraform validate and plan
need the google provider and run in Cloud Build): module layout and documentation, typed
and described variables, pinned providers, and the platform's rules: least privilege,
private Cloud SQL with TLS and backups, dead-letter topics on every subscription, private
buckets, and a database connection budget that fits."""

from __future__ import annotations

import ast
import re

import pytest

from tests.terraform.hcl import (
    ENV_NAMES,
    ENVS,
    MODULES,
    ROOT,
    TERRAFORM,
    VAR_REF,
    blocks,
    load,
    locals_of,
    module_dirs,
    one,
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


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def required_providers(path) -> dict[str, dict]:
    terraform = load(path)["terraform"][0]
    return {k: v for entry in terraform.get("required_providers", []) for k, v in entry.items()}


# --- layout and documentation ----------------------------------------------------------------


def test_the_platform_has_its_modules_and_both_environments():
    names = {p.name for p in module_dirs()}
    assert {
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
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "terraform.tfvars"):
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


def test_every_root_variable_is_documented_for_platform_engineers():
    readme = (TERRAFORM / "README.md").read_text()
    missing = [name for name in variables(ENVS / "dev") if f"`{name}`" not in readme]
    assert not missing, f"terraform/README.md does not describe {missing}"


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
        assert re.search(r"^bucket\s*=", backend_config, re.M)
        assert re.search(r"^prefix\s*=", backend_config, re.M)


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


def test_environments_differ_only_in_their_tfvars():
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        dev, prod = ((ENVS / env / name).read_text() for env in ENV_NAMES)
        assert dev == prod, f"envs/dev/{name} and envs/prod/{name} differ"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_tfvars_set_every_required_variable_and_nothing_else(env):
    declared = variables(ENVS / env)
    values = tfvars(env)
    assert not set(values) - set(declared), f"undeclared: {set(values) - set(declared)}"
    required = {name for name, body in declared.items() if "default" not in body}
    assert not required - set(values), f"{env} lacks {required - set(values)}"
    assert values["environment"] == env


@pytest.mark.parametrize("env", ENV_NAMES)
def test_tfvars_hold_no_secrets(env):
    text = (ENVS / env / "terraform.tfvars").read_text()
    assert not re.search(r"^\s*\w*(password|secret|token|private_key)\w*\s*=", text, re.M | re.I)
    assert "PRIVATE KEY" not in text


def test_prod_is_protected_and_highly_available():
    prod = tfvars("prod")
    assert prod["deletion_protection"] is True
    assert prod["db_availability_type"] == "REGIONAL"
    assert prod["api_min_instances"] >= 1


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


def test_one_service_account_per_workload_all_listed_in_the_iam_table():
    root = load(ENVS / "dev" / "main.tf")
    accounts = next(m for m in root["module"] if "service_accounts" in m)["service_accounts"]
    names = set(accounts["accounts"])
    assert {
        "quad-api",
        "quad-migrate",
        "quad-fn-uploads",
        "quad-fn-moderation",
        "quad-fn-notifications",
        "quad-fn-outbox",
        "quad-fn-builder",
        "quad-fn-invoker",
        "quad-composer",
        "quad-deployer",
    } <= names
    readme = (TERRAFORM / "README.md").read_text()
    iam_table = readme[readme.index("## Service accounts and roles") :]
    missing = [name for name in names if f"`{name}`" not in iam_table]
    assert not missing, f"the IAM table does not list {missing}"


def test_secrets_are_readable_per_secret_only():
    # Accessor grants are on each secret; the project-wide grant would expose every secret.
    for path in tf_files():
        text = path.read_text()
        if "google_project_iam_member" in text:
            assert "secretmanager.secretAccessor" not in text, path


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


def test_the_environments_do_not_loosen_cloud_sql():
    for env in root_dirs():
        module = next(m for m in load(env / "main.tf")["module"] if "cloud_sql" in m)
        sql = module["cloud_sql"]
        assert sql.get("ssl_mode", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") in TLS_MODES
        assert "connector_enforcement" not in sql
        assert sql["deletion_protection"] == "${var.deletion_protection}"


def test_database_users_are_iam_service_accounts_and_analytics_reads_only():
    (user,) = resources("google_sql_user")
    assert user.body["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert "password" not in user.body
    module = next(m for m in load(ENVS / "dev" / "main.tf")["module"] if "cloud_sql" in m)
    users = module["cloud_sql"]["iam_users"]
    assert users["composer"]["database_roles"] == ["pg_read_all_data"]
    assert users["migrate"]["database_roles"] == ["cloudsqlsuperuser"]
    for name, user in users.items():
        if name not in ("composer", "migrate"):
            assert "cloudsqlsuperuser" not in user["database_roles"], name


@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_connection_budget_fits_under_max_connections(env):
    """The same sum main.tf checks in a precondition, here since plan cannot run."""
    declared = variables(ENVS / env)
    values = {name: body.get("default") for name, body in declared.items()} | tfvars(env)
    local = locals_of(ENVS / env / "main.tf")
    per_process = values["db_pool_size"] + values["db_max_overflow"]
    per_function = int(local["function_pool_size"]) + int(local["function_max_overflow"])
    budget = {
        "reserved": values["db_reserved_connections"],
        "api": per_process * values["api_workers"] * values["api_max_instances"],
        "migrate": per_process,
        "functions": per_function
        * len(local["planned_functions"])
        * values["function_max_instances"],
        "analytics": values["analytics_db_connections"],
    }
    assert sum(budget.values()) <= values["db_max_connections"], budget
    # Workers match the vCPUs they run on.
    assert values["api_workers"] <= max(1, int(float(values["api_cpu"])))


def test_main_tf_enforces_the_connection_budget():
    (budget,) = [
        r
        for r in resources("terraform_data")
        if r.name == "connection_budget" and r.path == ENVS / "dev" / "main.tf"
    ]
    condition = one(one(budget.body, "lifecycle"), "precondition")["condition"]
    assert "var.db_max_connections" in condition


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


def test_the_api_gets_every_setting_the_app_reads_in_the_cloud():
    text = (ENVS / "dev" / "main.tf").read_text()
    needed = [
        "CLOUD_SQL_INSTANCE",
        "DB_USER",
        "DB_NAME",
        "DB_IAM_AUTH",
        "DB_IP_TYPE",
        "DB_POOL_SIZE",
        "DB_MAX_OVERFLOW",
        "WEB_CONCURRENCY",
        "JWT_SECRET",
        "GOOGLE_CLOUD_PROJECT",
        "ENVIRONMENT",
        "LOG_LEVEL",
        "HOST",
        "EVENTS_BACKEND",
        "TOPIC_PREFIX",
    ]
    missing = [name for name in needed if not re.search(rf"^\s+{name}\s+=", text, re.M)]
    assert not missing, missing
    settings = pytest.importorskip("infra.settings")
    fields = set(settings.Settings.model_fields)
    assert not [n for n in needed if n.lower() not in fields], "not a setting of the app"


def test_the_migration_job_runs_the_projects_migrate_script():
    tomllib = pytest.importorskip("tomllib")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module = next(m for m in load(ENVS / "dev" / "main.tf")["module"] if "migrate_job" in m)
    command = module["migrate_job"]["command"]
    assert command == ["quad-migrate"] and command[0] in scripts


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


def test_no_public_members_anywhere():
    for path in tf_files(extensions=(".tf", ".tfvars")):
        text = path.read_text()
        assert "allUsers" not in text and "allAuthenticatedUsers" not in text, path


def test_the_upload_bucket_allows_browser_puts_and_expires_abandoned_uploads():
    module = next(m for m in load(ENVS / "dev" / "main.tf")["module"] if "uploads_bucket" in m)
    bucket = module["uploads_bucket"]
    (cors,) = bucket["cors"]
    assert cors["methods"] == ["PUT"] and cors["origins"] == "${var.upload_cors_origins}"
    actions = [rule["action"] for rule in bucket["lifecycle_rules"]]
    assert "AbortIncompleteMultipartUpload" in actions and "Delete" in actions


def test_topics_cover_every_topic_the_api_publishes_to():
    types = pytest.importorskip("api.events.types")
    settings = pytest.importorskip("infra.settings")
    local = locals_of(ENVS / "dev" / "main.tf")
    assert local["topic_prefix"] == settings.Settings.model_fields["topic_prefix"].default
    missing = set(types.TOPICS.values()) - set(local["domain_topics"])
    assert not missing, f"topics the API publishes to but Terraform does not create: {missing}"


def test_every_function_entry_point_in_the_code_is_planned_in_terraform():
    main = ROOT / "functions" / "main.py"
    if not main.exists():
        pytest.skip("functions/main.py is not written yet")
    tree = ast.parse(main.read_text())
    entry_points = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("functions_framework" in ast.unparse(d) for d in node.decorator_list)
    }
    planned = {f["entry_point"] for f in locals_of(ENVS / "dev" / "main.tf")["planned_functions"]}
    assert entry_points <= planned, f"not planned in Terraform: {entry_points - planned}"


def test_functions_are_internal_and_bounded():
    (function,) = resources("google_cloudfunctions2_function")
    service = one(function.body, "service_config")
    assert service["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    assert service["max_instance_request_concurrency"] == 1
    assert service["direct_vpc_egress"] == "VPC_EGRESS_PRIVATE_RANGES_ONLY"


# --- analytics, monitoring, budget -----------------------------------------------------------


def test_bigquery_tables_come_from_schema_files_and_require_partition_filters():
    (table,) = resources("google_bigquery_table")
    assert "file(" in table.body["schema"]
    assert "require_partition_filter" in table.body
    assert table.body["deletion_protection"] is True


def test_monitoring_covers_uptime_errors_latency_dead_letters_dags_and_cloud_sql():
    (uptime,) = resources("google_monitoring_uptime_check_config")
    assert one(uptime.body, "http_check")["path"] == "${var.uptime_path}"
    assert variables(uptime.path.parent)["uptime_path"]["default"] == "/healthz"
    policies = resources("google_monitoring_alert_policy")
    assert len(policies) >= 7
    # Filters are built in the module's locals and policies: read the module's text.
    filters = (policies[0].path).read_text()
    for metric in (
        "uptime_check/check_passed",
        "run.googleapis.com/request_count",
        "run.googleapis.com/request_latencies",
        "subscription/num_undelivered_messages",
        "composer.googleapis.com/workflow/run_count",
        "cloudsql.googleapis.com/database/cpu/utilization",
        "cloudsql.googleapis.com/database/postgresql/num_backends",
    ):
        assert metric in filters, metric


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


def test_modules_are_only_used_from_this_repository():
    for env in root_dirs():
        for module in load(env / "main.tf")["module"]:
            (body,) = module.values()
            assert body["source"].startswith("../../modules/"), body["source"]
            assert (env / body["source"]).resolve().parent == MODULES
