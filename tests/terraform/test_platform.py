"""What terraform/modules/platform composes, read with python-hcl2: one account per
workload with only the roles it needs, the settings each workload reads (infra/settings.py)
set on it, the event paths of functions/main.py, the analytics tables from dags/schemas/,
and a database connection budget that fits in both environments."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from typing import Any

import pytest

from tests.terraform.hcl import (
    ENV_NAMES,
    ENVS,
    PLATFORM,
    ROOT,
    TERRAFORM,
    blocks,
    env_call,
    one,
    platform_files,
    platform_locals,
    platform_module,
    resources,
    tfvars,
    variables,
)

LOCALS = platform_locals()
ACCOUNTS = platform_module("service_accounts")["accounts"]
SCHEMA_DIR = ROOT / "dags" / "schemas"
TABLES_FILE = ROOT / "dags" / "tables.json"
# Settings Terraform gives a workload before the code reads them, and why. Keep this short:
# each entry is a gap to close in the code.
PENDING_SETTINGS: set[str] = set()


def planned(entry_point: str) -> dict[str, Any]:
    (function,) = [f for f in LOCALS["planned_functions"] if f["entry_point"] == entry_point]
    return function


def members_of(iam: dict[str, list[str]] | str, member: str) -> set[str]:
    """Roles `member` (e.g. local.member.api) holds in a module's `iam` map."""
    if isinstance(iam, str):  # a for-expression: read the roles it names around the member
        return set(re.findall(rf'"(roles/[\w.]+)"\s*=\s*\[[^\]]*\b{re.escape(member)}\b', iam))
    return {role for role, members in iam.items() if f"${{{member}}}" in members}


def additive_roles_of(bindings: dict[str, dict[str, str]], member: str) -> set[str]:
    """Roles `member` holds in a module's `iam_bindings_additive` map."""
    return {b["role"] for b in bindings.values() if b["member"] == f"${{{member}}}"}


def roles_of(grants: dict[str, Any], member: str) -> set[str]:
    """Roles `member` holds through a resource's `iam` and `iam_bindings_additive`."""
    return members_of(grants.get("iam", {}), member) | additive_roles_of(
        grants.get("iam_bindings_additive", {}), member
    )


BUCKETS = (
    "uploads_bucket",
    "functions_source_bucket",
    "analytics_staging_bucket",
    "composer_bucket",
)


def grants_on_buckets(member: str) -> dict[str, set[str]]:
    buckets = {name: roles_of(platform_module(name), member) for name in BUCKETS}
    return {name: roles for name, roles in buckets.items() if roles}


# --- identity and access ---------------------------------------------------------------------


def test_one_service_account_per_workload_all_listed_in_the_iam_table():
    names = set(ACCOUNTS)
    assert {
        "quad-api",
        "quad-migrate",
        "quad-fn-uploads",
        "quad-fn-moderation",
        "quad-fn-notifications",
        "quad-fn-outbox",
        "quad-fn-mail",
        "quad-fn-builder",
        "quad-fn-invoker",
        "quad-composer",
        "quad-deployer",
    } <= names
    # The emails the platform uses everywhere are these accounts.
    emails = {email.split("@")[0] for email in LOCALS["sa"].values()}
    assert emails == names
    readme = (TERRAFORM / "README.md").read_text()
    iam_table = readme[readme.index("## Service accounts and roles") :]
    missing = [name for name in names if f"`{name}`" not in iam_table]
    assert not missing, f"the IAM table does not list {missing}"


def test_no_workload_holds_project_wide_secret_storage_or_pubsub_access():
    """Secrets, objects and topics are granted on the resource, never on the project."""
    broad = re.compile(r"roles/(secretmanager|storage|pubsub)\.")
    for name, account in ACCOUNTS.items():
        for role in account.get("project_roles", []):
            assert not broad.match(role), f"{name} holds {role} on the whole project"
    for grant in resources("google_project_iam_member"):
        role = grant.body["role"]
        if broad.match(role):
            # The one exception Google requires: the Cloud Storage agent publishes bucket
            # events to Eventarc's transport topics, which only exist once triggers do.
            assert grant.name == "storage_agent_publisher", grant.where()


def test_the_api_signs_urls_as_itself_and_touches_only_the_upload_bucket():
    api = ACCOUNTS["quad-api"]
    assert api["iam"]["roles/iam.serviceAccountTokenCreator"] == ["${local.member.api}"]
    assert set(api["project_roles"]) == {"roles/cloudsql.client", "roles/cloudsql.instanceUser"}
    assert grants_on_buckets("local.member.api") == {
        "uploads_bucket": {"roles/storage.objectUser"}  # sign PUT/GET URLs, delete images
    }
    secrets = platform_module("secrets")["secrets"]
    assert secrets["jwt-signing-key"]["iam"] == {
        "roles/secretmanager.secretAccessor": ["${local.member.api}"]
    }


def test_the_upload_function_manages_objects_of_the_upload_bucket_only():
    account = ACCOUNTS["quad-fn-uploads"]
    assert set(account["project_roles"]) == {"roles/cloudsql.client", "roles/cloudsql.instanceUser"}
    assert grants_on_buckets("local.member.fn_uploads") == {
        "uploads_bucket": {"roles/storage.objectAdmin"}
    }


def test_composer_reads_the_database_loads_its_dataset_and_reads_only_the_pseudonym_key():
    account = ACCOUNTS["quad-composer"]
    assert set(account["project_roles"]) == {
        "roles/composer.worker",
        "roles/cloudsql.client",
        "roles/cloudsql.instanceUser",
        "roles/bigquery.jobUser",
    }
    dataset_iam = platform_module("analytics")["iam"]
    assert members_of(dataset_iam, "local.member.composer") == {"roles/bigquery.dataEditor"}
    assert grants_on_buckets("local.member.composer") == {
        "analytics_staging_bucket": {"roles/storage.objectUser"},
        "composer_bucket": {"roles/storage.objectAdmin"},
    }
    secrets = platform_module("secrets")["secrets"]
    readers = {name: s["iam"]["roles/secretmanager.secretAccessor"] for name, s in secrets.items()}
    assert readers["analytics-pseudonym-key"] == ["${local.member.composer}"]
    others = [r for name, r in readers.items() if name != "analytics-pseudonym-key"]
    assert all("${local.member.composer}" not in r for r in others)
    users = platform_module("cloud_sql")["iam_users"]
    # Not pg_read_all_data, which reads e-mails and password hashes: the column grants of
    # the API's migration 0006.
    assert users["composer"]["database_roles"] == ["quad_analytics_reader"]


def test_composers_database_role_is_made_by_a_migration():
    """Cloud SQL grants only roles that exist: a migration (run by the migration job before
    the second apply, terraform/README.md) must create the role Composer's user gets."""
    (role,) = platform_module("cloud_sql")["iam_users"]["composer"]["database_roles"]
    made = set()
    for path in (ROOT / "api" / "migrations" / "versions").glob("*.py"):
        source = path.read_text()
        if "CREATE ROLE {ROLE} NOLOGIN" in source:
            made |= set(re.findall(r'^ROLE = "(\w+)"$', source, re.MULTILINE))
    assert made == {role}


def test_database_users_own_only_what_they_need():
    users = platform_module("cloud_sql")["iam_users"]
    assert users["migrate"]["database_roles"] == ["cloudsqlsuperuser"]
    for name, user in users.items():
        if name not in ("composer", "migrate"):
            assert user["database_roles"] == ["pg_read_all_data", "pg_write_all_data"], name
    # One database user per workload that connects, named after its account.
    assert {LOCALS["sa"][key].split("@")[0] for key in users} == {
        n for n in ACCOUNTS if n not in ("quad-fn-builder", "quad-fn-invoker", "quad-deployer")
    }


def test_the_deployer_deploys_but_cannot_change_infrastructure_or_iam():
    deployer = ACCOUNTS["quad-deployer"]
    for role in deployer["project_roles"]:
        assert not re.search(r"admin|owner|editor|iam\.|securityAdmin", role, re.I), role
    state = [r for r in resources("google_storage_bucket_iam_member") if r.path.parent == PLATFORM]
    assert [(r.body["bucket"], r.body["role"]) for r in state] == [
        ("${var.terraform_state_bucket}", "roles/storage.objectViewer")
    ]


# Each resource's roles are authoritative (`iam`: the platform owns who holds them, and a
# grant made outside Terraform is revoked) unless a Google service also grants roles on it
# (`iam_bindings_additive`). terraform/README.md and each module's README say why.
AUTHORITATIVE = {
    "uploads_bucket",
    "functions_source_bucket",
    "analytics_staging_bucket",
    "artifact_registry",
    "functions_registry",
    "analytics",
}
ADDITIVE = {"composer_bucket"}  # Composer runs the environment from it
ADDITIVE_ACCOUNTS = {"quad-composer"}  # the Composer agent edits its policy itself


def test_every_resource_grants_its_roles_the_documented_way():
    calls = {b.name: b for b in blocks("module", platform_files())}
    with_iam = {
        name
        for name, call in calls.items()
        if "iam" in variables((PLATFORM / call.body["source"]).resolve())
    }
    assert with_iam == AUTHORITATIVE | ADDITIVE, "a new call with roles: decide and document"
    for name in AUTHORITATIVE:
        body = calls[name].body
        assert body.get("iam") and "iam_bindings_additive" not in body, name
    for name in ADDITIVE:
        body = calls[name].body
        assert body.get("iam_bindings_additive") and "iam" not in body, name
    # Analysts are the dataset's only readers (none when the list is empty).
    assert calls["analytics"].body["iam"]["roles/bigquery.dataViewer"] == "${var.analytics_readers}"
    # Topics' publishers and secrets' readers are authoritative too.
    topics = LOCALS["topics"]
    assert '"roles/pubsub.publisher"' in topics and "iam_bindings_additive" not in topics
    for name, secret in platform_module("secrets")["secrets"].items():
        assert set(secret["iam"]) == {"roles/secretmanager.secretAccessor"}, name
        assert "iam_bindings_additive" not in secret, name
    for name, account in ACCOUNTS.items():
        if name in ADDITIVE_ACCOUNTS:
            assert "iam" not in account and account["iam_bindings_additive"], name
        else:
            assert "iam_bindings_additive" not in account, name


def test_no_authoritative_role_revokes_what_the_functions_module_grants():
    """The functions module grants the Pub/Sub agent a role on the invoker account; an
    authoritative binding of that role on the account would revoke it at every apply."""
    assert platform_module("functions")["invoker_service_account_email"] == "${local.sa.invoker}"
    granted = {
        r.body["role"]
        for r in resources("google_service_account_iam_member")
        if r.path.parent.name == "functions"
    }
    assert granted == {"roles/iam.serviceAccountTokenCreator"}
    invoker = ACCOUNTS[LOCALS["sa"]["invoker"].split("@")[0]]
    assert not granted & set(invoker.get("iam", {})), invoker


# --- settings each workload reads ------------------------------------------------------------


def env_names(expression: str) -> set[str]:
    """Names of the env vars an expression like merge(local.db_env, {...}) sets."""
    names = set(re.findall(r"\b([A-Z][A-Z0-9_]+)\s*=", expression))
    for ref in re.findall(r"local\.(\w+)", expression):
        if isinstance(LOCALS.get(ref), dict):
            names |= {k for k in LOCALS[ref] if k.isupper()}
    return names


def workload_env() -> dict[str, set[str]]:
    api = platform_module("api")
    secret_env = api["secret_env"]
    envs = {
        "api": env_names(api["env"])
        | (set(secret_env) if isinstance(secret_env, dict) else env_names(secret_env)),
        "migrate": env_names(platform_module("migrate_job")["env"]),
        "composer": set(LOCALS["composer_env"]),
    }
    functions = env_names(LOCALS["functions"])
    for f in LOCALS["planned_functions"]:
        envs[f["entry_point"]] = (
            functions | env_names(str(f["environment"])) | set(f.get("secrets") or {})
        )
    return envs


@pytest.fixture(scope="module")
def settings_fields() -> set[str]:
    from infra import settings

    return {name.upper() for name in settings.Settings.model_fields}


def test_every_workload_gets_the_settings_it_reads_in_the_cloud(settings_fields):
    envs = workload_env()
    database = {
        "CLOUD_SQL_INSTANCE",
        "DB_USER",
        "DB_NAME",
        "DB_IAM_AUTH",
        "DB_IP_TYPE",
        "DB_POOL_SIZE",
        "DB_MAX_OVERFLOW",
        "GOOGLE_CLOUD_PROJECT",
        "ENVIRONMENT",
        "LOG_LEVEL",
    }
    events = {"EVENTS_BACKEND", "TOPIC_PREFIX"}
    uploads = {"STORAGE_BACKEND", "UPLOAD_BUCKET"} & settings_fields
    warehouse = {
        "WAREHOUSE_BACKEND",
        "BIGQUERY_PROJECT",
        "BIGQUERY_DATASET",
        "BIGQUERY_LOCATION",
        "ANALYTICS_STAGING_BUCKET",
    } & settings_fields
    needed = {
        "api": database | events | uploads | {"JWT_SECRET", "WEB_CONCURRENCY", "HOST"},
        "migrate": database,
        "on_upload_finalized": database | events | uploads,
        "on_content_reported": database | events,
        "on_comment_created": database | events,
        "sweep_outbox": database | events,
        "on_mail_requested": database
        | events
        | {
            "MAIL_BACKEND",
            "SMTP_HOST",
            "SMTP_PORT",
            "SMTP_TLS",
            "SMTP_USERNAME",
            "SMTP_PASSWORD",
            "MAIL_FROM",
            "WEB_BASE_URL",
        },
        "composer": database | warehouse | {"ANALYTICS_PSEUDONYM_KEY_SECRET"},
    }
    for workload, names in needed.items():
        missing = names - envs[workload]
        assert not missing, f"{workload} is not given {sorted(missing)}"
    # PORT belongs to Cloud Run.
    assert "PORT" not in envs["api"]


def test_every_setting_given_is_one_the_code_reads(settings_fields):
    """A misspelt name would be silently ignored by pydantic-settings (extra="ignore")."""
    for workload, names in workload_env().items():
        unknown = {n for n in names if n not in settings_fields | PENDING_SETTINGS}
        assert not unknown, f"{workload} is given {sorted(unknown)}, which nothing reads"


def test_the_migration_job_runs_the_projects_migrate_script():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    command = platform_module("migrate_job")["command"]
    assert command == ["quad-migrate"] and command[0] in scripts


# --- events ----------------------------------------------------------------------------------


def test_topics_cover_every_topic_the_api_publishes_to():
    from api.outbox import types
    from infra import settings

    assert LOCALS["topic_prefix"] == settings.Settings.model_fields["topic_prefix"].default
    missing = set(types.TOPICS.values()) - set(LOCALS["domain_topics"])
    assert not missing, f"topics the API publishes to but Terraform does not create: {missing}"


def entry_points_in_code() -> set[str]:
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("functions_framework" in ast.unparse(d) for d in node.decorator_list)
    }


def test_every_function_entry_point_in_the_code_is_planned_in_terraform():
    planned_names = {f["entry_point"] for f in LOCALS["planned_functions"]}
    code = entry_points_in_code()
    assert code <= planned_names, f"not planned in Terraform: {code - planned_names}"


def test_every_function_has_one_way_in_and_its_own_account():
    accounts = [f["account"] for f in LOCALS["planned_functions"]]
    assert len(accounts) == len(set(accounts)), "one runtime account per function"
    for f in LOCALS["planned_functions"]:
        ways = [f["topic"] is not None, f["event_type"] is not None]
        assert sum(ways) <= 1, f["name"]
        if f["topic"] is not None:
            topic = f["topic"].replace("${local.topic_prefix}", "")
            assert topic in LOCALS["domain_topics"], f["name"]
        assert f["ack_deadline"] >= f["timeout_seconds"], f["name"]


def test_reports_and_comments_are_pushed_from_their_topics():
    assert planned("on_content_reported")["topic"] == "${local.topic_prefix}reports"
    assert planned("on_comment_created")["topic"] == "${local.topic_prefix}comments"


def test_mail_is_pushed_from_its_topic_and_only_the_mail_function_reads_the_relays_password():
    mail = planned("on_mail_requested")
    assert mail["topic"] == "${local.topic_prefix}mail" and mail["account"] == "fn_mail"
    assert mail["secrets"] == {"SMTP_PASSWORD": "smtp-password"}
    secrets = platform_module("secrets")["secrets"]
    assert secrets["smtp-password"]["iam"] == {
        "roles/secretmanager.secretAccessor": ["${local.member.fn_mail}"]
    }
    for name, secret in secrets.items():
        if name != "smtp-password":
            assert "${local.member.fn_mail}" not in str(secret["iam"]), name
    # Every other function gets no secret; the module is handed the secret's id.
    assert all(not f["secrets"] for f in LOCALS["planned_functions"] if f is not mail)
    assert "module.secrets.names[secret]" in LOCALS["functions"]
    assert set(ACCOUNTS["quad-fn-mail"]["project_roles"]) == {
        "roles/cloudsql.client",
        "roles/cloudsql.instanceUser",
    }
    assert grants_on_buckets("local.member.fn_mail") == {}
    # SMTP is never plain, and never port 25 (closed to Cloud Run and Cloud Functions).
    defaults = {name: body.get("default") for name, body in variables(PLATFORM).items()}
    assert (defaults["smtp_port"], defaults["smtp_tls"]) == (587, "starttls")
    assert LOCALS["mail_env"]["MAIL_BACKEND"] == "smtp"


def test_uploads_reach_their_function_through_an_eventarc_finalize_trigger_on_the_bucket():
    uploads = planned("on_upload_finalized")
    assert uploads["event_type"] == "google.cloud.storage.object.v1.finalized"
    assert uploads["event_filters"] == {"bucket": "${local.bucket.uploads}"}
    assert platform_module("uploads_bucket")["name"] == "${local.bucket.uploads}"
    # Failed deliveries are retried (RETRY_POLICY_RETRY) unless a function says otherwise.
    function_type = variables(TERRAFORM / "modules" / "functions")["functions"]["type"]
    assert "retry = optional(bool, true)" in function_type
    assert "retry" not in uploads
    # Whatever the function writes outside incoming/ is not deleted by the lifecycle rule.
    rules = platform_module("uploads_bucket")["lifecycle_rules"]
    expiring = [r for r in rules if r["action"] == "Delete" and "age" in r]
    assert [r["matches_prefix"] for r in expiring] == [["${var.upload_incoming_prefix}"]]
    assert variables(PLATFORM)["upload_incoming_prefix"]["default"] == "incoming/"


def test_the_outbox_sweep_is_scheduled_over_http_with_the_invokers_token():
    sweep = planned("sweep_outbox")
    assert sweep["topic"] is None and sweep["event_type"] is None
    (job,) = platform_module("scheduler")["jobs"].split('"quad-outbox-sweep" = ')[1:]
    assert 'lookup(module.functions.uris, "quad-sweep-outbox", null)' in job
    assert "oidc_service_account_email = local.sa.invoker" in job


def test_the_upload_bucket_allows_browser_puts_and_expires_abandoned_uploads():
    bucket = platform_module("uploads_bucket")
    (cors,) = bucket["cors"]
    assert cors["methods"] == ["PUT"] and cors["origins"] == "${var.web_origins}"
    actions = [rule["action"] for rule in bucket["lifecycle_rules"]]
    assert "AbortIncompleteMultipartUpload" in actions and "Delete" in actions
    # Deleted raw uploads (which may carry GPS metadata) do not linger as old versions.
    noncurrent = [r for r in bucket["lifecycle_rules"] if "days_since_noncurrent_time" in r]
    assert [r["days_since_noncurrent_time"] for r in noncurrent] == [1]


# --- analytics -------------------------------------------------------------------------------


def schema_files() -> dict[str, list[dict]]:
    files = sorted(SCHEMA_DIR.glob("*.json"))
    assert files, f"no schema files in {SCHEMA_DIR}"
    return {p.stem: json.loads(p.read_text()) for p in files}


def table_settings() -> dict[str, dict]:
    return json.loads(TABLES_FILE.read_text())


def test_the_bigquery_module_reads_the_dags_schema_folder_and_table_settings():
    analytics = platform_module("analytics")
    assert analytics["schema_dir"] == "${local.repo_root}/${var.analytics_schema_dir}"
    assert analytics["tables"] == "${local.analytics_tables}"
    defaults = {name: body.get("default") for name, body in variables(PLATFORM).items()}
    assert defaults["analytics_schema_dir"] == "dags/schemas"
    assert defaults["analytics_tables_file"] == "dags/tables.json"
    assert "var.analytics_tables_file" in LOCALS["analytics_tables_file"]
    assert "local.analytics_tables_file" in LOCALS["analytics_tables"]


def test_table_settings_are_what_the_bigquery_module_takes():
    allowed = {
        "description",
        "partition_field",
        "partition_type",
        "clustering",
        "require_partition_filter",
    }
    for table, settings in table_settings().items():
        assert set(settings) <= allowed, f"{table}: Terraform ignores {set(settings) - allowed}"
        assert settings.get("partition_type", "DAY") in ("HOUR", "DAY", "MONTH", "YEAR"), table
        assert len(settings.get("clustering", [])) <= 4, table


def test_activity_events_are_partitioned_by_day_and_clustered_by_school_and_type():
    settings = table_settings()["activity_events"]
    assert settings["partition_field"] == "event_date"
    assert settings.get("partition_type", "DAY") == "DAY"
    assert settings["clustering"] == ["school_id", "event_type"]
    assert settings.get("require_partition_filter", True) is True


def test_every_schema_file_is_a_described_bigquery_schema():
    for table, fields in schema_files().items():
        assert isinstance(fields, list) and fields, f"{table}.json is not a list of fields"
        for field in fields:
            assert {"name", "type"} <= set(field), f"{table}: {field}"
            described = str(field.get("description", "")).strip()
            assert described, f"{table}.{field['name']}: no description"


def test_table_settings_name_columns_of_their_schema_files():
    """What the bigquery module's preconditions check at plan, checked here too."""
    files = schema_files()
    for table, settings in table_settings().items():
        assert table in files, f"settings for {table} but no dags/schemas/{table}.json"
        columns = {field["name"] for field in files[table]}
        named = {settings.get("partition_field"), *settings.get("clustering", [])} - {None}
        assert named <= columns, f"{table}: {named - columns} not in {table}.json"
        if settings.get("partition_field"):
            (field,) = [f for f in files[table] if f["name"] == settings["partition_field"]]
            assert field["type"] in ("DATE", "TIMESTAMP", "DATETIME"), field


def test_the_activity_table_has_a_schema_file():
    assert "activity_events" in schema_files()


# --- the database connection budget ----------------------------------------------------------


def resolved_settings(env: str) -> dict[str, Any]:
    """Platform defaults, overridden by the root's call, with var.* taken from tfvars."""
    values = {name: body.get("default") for name, body in variables(PLATFORM).items()}
    root_defaults = {name: body.get("default") for name, body in variables(ENVS / env).items()}
    root_values = root_defaults | tfvars(env)
    for name, value in env_call(env).items():
        match = re.fullmatch(r"\$\{var\.(\w+)\}", str(value))
        values[name] = root_values[match.group(1)] if match else value
    return values


@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_connection_budget_fits_under_max_connections(env):
    """The same sum the platform checks in a precondition, here since plan cannot run."""
    values = resolved_settings(env)
    per_process = values["db_pool_size"] + values["db_max_overflow"]
    per_function = int(LOCALS["function_pool_size"]) + int(LOCALS["function_max_overflow"])
    budget = {
        "reserved": values["db_reserved_connections"],
        "api": per_process * values["api_workers"] * values["api_max_instances"],
        "migrate": per_process,
        "functions": per_function
        * len(LOCALS["planned_functions"])
        * values["function_max_instances"],
        "analytics": values["analytics_db_connections"],
    }
    assert sum(budget.values()) <= values["db_max_connections"], budget
    # Workers match the vCPUs they run on.
    assert values["api_workers"] <= max(1, int(float(values["api_cpu"])))
    # The same numbers as the comment in the root, so the comment stays true.
    comment = (ENVS / env / "main.tf").read_text()
    assert f"= {sum(budget.values())} <= {values['db_max_connections']}" in comment


def test_the_platform_enforces_the_connection_budget():
    (budget,) = [r for r in resources("terraform_data") if r.name == "connection_budget"]
    assert budget.path.parent == PLATFORM
    condition = one(one(budget.body, "lifecycle"), "precondition")["condition"]
    assert "var.db_max_connections" in condition
    assert LOCALS["connection_budget"]["functions"].count("planned_functions") == 1


# --- the API's memory: workers and their password-hashing budget ---------------------------


def memory_mib(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", value).groups()
    return int(number) * (1024 if unit == "Gi" else 1)


@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_api_workers_and_their_hashing_budget_fit_in_the_instance(env):
    """The sum the platform checks in a precondition, here since plan cannot run."""
    values = resolved_settings(env)
    per_hash_mib = values["api_password_hash_memory_kib"] / 1024
    budget = values["api_password_hash_memory_budget_mib"]
    hashes = int(budget // per_hash_mib)
    total = values["api_workers"] * (values["api_worker_baseline_mib"] + budget)
    assert hashes >= 1
    assert total <= memory_mib(values["api_memory"]), (env, total)
    # The same numbers as the comment in the root, so the comment stays true.
    comment = (ENVS / env / "main.tf").read_text()
    assert f"= {total} <= {memory_mib(values['api_memory'])} MiB" in comment
    assert f"{hashes} hashes of {round(per_hash_mib)} MiB" in comment


def test_the_platform_enforces_the_api_memory_budget():
    (check,) = [r for r in resources("terraform_data") if r.name == "api_memory_budget"]
    assert check.path.parent == PLATFORM
    condition = one(one(check.body, "lifecycle"), "precondition")["condition"]
    assert "local.api_memory_mib" in condition
    total = LOCALS["api_memory_budget"]["total_mib"]
    assert all(f"var.{name}" in total for name in ("api_workers", "api_worker_baseline_mib"))
    assert "var.api_password_hash_memory_budget_mib" in total
    assert "${terraform_data.api_memory_budget}" in platform_module("api")["depends_on"]


def test_the_api_hashes_passwords_with_the_platforms_parameters():
    """The platform's defaults are the code's, and the service is given all four."""
    from infra import settings

    fields = settings.Settings.model_fields
    defaults = {name: body.get("default") for name, body in variables(PLATFORM).items()}
    env = platform_module("api")["env"]
    for name in ("memory_kib", "time_cost", "parallelism", "memory_budget_mib"):
        setting, variable = f"PASSWORD_HASH_{name.upper()}", f"api_password_hash_{name}"
        assert re.search(rf"\b{setting}\s*=\s*tostring\(var\.{variable}\)", env), setting
        if name != "memory_budget_mib":  # each environment sets its budget
            assert defaults[variable] == fields[f"password_hash_{name}"].default, name
