"""The edge (terraform/modules/edge, composed in platform/edge.tf), read with python-hcl2:
whenever the load balancer exists the API admits nothing else and counts clients from the
right X-Forwarded-For entry; Cloud Armor guards the API's backend service; port 80 only
redirects; images are served only with Cloud CDN signatures, and cached no longer than the
API's URL window."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.requests import Request

from tests.terraform.hcl import (
    ENV_NAMES,
    MODULES,
    ROOT,
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
from tests.terraform.test_platform import env_names

EDGE = MODULES / "edge"
LOCALS = platform_locals()
CONDITIONAL = re.compile(r"^\$\{local\.(\w+) \? (.+?) : (.+)\}$")


def edge_resource(type_: str, name: str) -> dict[str, Any]:
    (found,) = [r.body for r in resources(type_) if r.path.parent == EDGE and r.name == name]
    return found


def edge_domain(env: str) -> str | None:
    """The domain an environment gives the platform (from its tfvars)."""
    passed = env_call(env)["edge_domain"]
    assert passed == "${var.edge_domain}", passed
    return tfvars(env).get("edge_domain")


def choose(expression: str, flag: str, on: bool) -> str:
    """The value `local.FLAG ? A : B` takes, unquoted."""
    match = CONDITIONAL.match(expression)
    assert match and match.group(1) == flag, expression
    return match.group(2 if on else 3).strip('"')


# --- the edge exists exactly when a domain is given, and then nothing goes around it ------


def test_the_edge_exists_exactly_when_the_environment_gives_a_domain():
    assert LOCALS["edge_on"] == "${var.edge_domain != null}"
    call = platform_module("edge")
    assert call["count"] == "${local.edge_on ? 1 : 0}"
    assert call["domain"] == "${var.edge_domain}"
    assert variables(ROOT / "terraform" / "modules" / "platform")["edge_domain"]["default"] is None
    # prod runs behind the edge, dev does not (it can, with a domain in its tfvars).
    assert edge_domain("prod") == "api.quad.example"
    assert edge_domain("dev") is None


@pytest.mark.parametrize("env", ENV_NAMES)
def test_with_the_edge_the_api_admits_only_the_load_balancer(env):
    on = edge_domain(env) is not None
    api = platform_module("api")
    assert api["ingress"] == "${local.api_ingress}"
    ingress = choose(LOCALS["api_ingress"], "edge_on", on)
    expected = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if on else "INGRESS_TRAFFIC_ALL"
    assert ingress == expected
    # The NEG points at that very service.
    assert platform_module("edge")["cloud_run_service"] == "${local.api_service_name}"
    (service,) = resources("google_cloud_run_v2_service")
    assert service.body["ingress"] == "${var.ingress}"
    assert api["name"] == "${local.api_service_name}" and LOCALS["api_service_name"] == "quad-api"


def forwarded_for(header: str, hops: int, peer: str = "169.254.1.1") -> str:
    """The client address the API reads from this X-Forwarded-For with `hops`."""
    from api.core.client import client_address

    request = Request(
        {
            "type": "http",
            "headers": [(b"x-forwarded-for", header.encode())],
            "client": (peer, 443),
        }
    )
    return client_address(request)


@pytest.fixture
def hops_setting(monkeypatch):
    from infra.settings import get_settings

    def set_hops(hops: int) -> None:
        monkeypatch.setenv("TRUSTED_PROXY_HOPS", str(hops))
        get_settings.cache_clear()

    yield set_hops
    get_settings.cache_clear()


@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_api_counts_clients_from_the_entry_its_front_end_writes(env, hops_setting):
    """What the platform passes as TRUSTED_PROXY_HOPS picks the real client out of the header
    the front end in use produces, whatever the client wrote into it itself."""
    on = edge_domain(env) is not None
    env_expression = platform_module("api")["env"]
    hops_given = r"\bTRUSTED_PROXY_HOPS = tostring\(local\.trusted_proxy_hops\)"
    assert re.search(hops_given, env_expression)
    hops = int(choose(LOCALS["trusted_proxy_hops"], "edge_on", on))
    assert hops == (2 if on else 1)
    hops_setting(hops)
    spoofed = "198.51.100.99"
    client = "203.0.113.7"
    # The load balancer appends "<client>, <its forwarding rule's address>"; Cloud Run's
    # front end, the caller alone.
    header = f"{spoofed}, {client}, 34.120.0.10" if on else f"{spoofed}, {client}"
    assert forwarded_for(header, hops) == client


# --- Cloud Armor on the API's backend service ------------------------------------------------


def test_the_api_backend_service_has_the_security_policy_and_logs_its_decisions():
    backend = edge_resource("google_compute_backend_service", "api")
    assert backend["security_policy"] == "${google_compute_security_policy.api.id}"
    assert backend["load_balancing_scheme"] == "EXTERNAL_MANAGED"
    assert backend["enable_cdn"] is False  # API answers are per viewer
    log = one(backend, "log_config")
    assert log["enable"] is True and log["sample_rate"] == "${var.log_sample_rate}"
    assert variables(EDGE)["log_sample_rate"]["default"] == 1
    assert one(backend, "backend")["group"] == (
        "${google_compute_region_network_endpoint_group.api.id}"
    )
    neg = edge_resource("google_compute_region_network_endpoint_group", "api")
    assert neg["network_endpoint_type"] == "SERVERLESS"
    assert one(neg, "cloud_run")["service"] == "${var.cloud_run_service}"
    # The only backend service, and the default of the HTTPS URL map.
    assert [r.name for r in resources("google_compute_backend_service")] == ["api"]
    assert edge_resource("google_compute_url_map", "https")["default_service"] == (
        "${google_compute_backend_service.api.id}"
    )


def test_the_waf_runs_googles_preconfigured_rule_sets_at_low_sensitivity():
    defaults = variables(EDGE)["waf_rules"]["default"]
    assert set(defaults) == {"sqli", "xss", "lfi", "rce", "scannerdetection"}
    for name, rule in defaults.items():
        assert re.fullmatch(rf"{name}-v\d+-stable", rule["rule_set"]), rule
        assert 1 <= rule["sensitivity"] <= 2, rule  # README: Korean text, few false positives
    policy = edge_resource("google_compute_security_policy", "api")
    (waf,) = [d["rule"] for d in policy["dynamic"] if d["rule"]["for_each"] == "${local.waf_rules}"]
    content = waf["content"][0]
    assert content["action"] == "deny(403)"
    assert content["preview"] == "${var.waf_preview}"
    expression = one(one(content, "match"), "expr")["expression"]
    assert expression == (
        "evaluatePreconfiguredWaf('${rule.value.rule_set}', "
        "{'sensitivity': ${rule.value.sensitivity}})"
    )
    # The API's JSON is parsed, so the rules read values, not the JSON's own punctuation.
    assert one(policy, "advanced_options_config")["json_parsing"] == "STANDARD"
    # Log4j lookups are always denied, preview or not.
    (log4j,) = [r for r in policy["rule"] if r["priority"] == 900]
    assert log4j["preview"] is False and log4j["action"] == "deny(403)"
    log4j_expression = one(one(log4j, "match"), "expr")["expression"]
    assert log4j_expression == "evaluatePreconfiguredWaf('cve-canary')"
    # Both environments enforce (preview is for tuning).
    assert (
        variables(ROOT / "terraform" / "modules" / "platform")["edge_waf_preview"]["default"]
        is False
    )
    assert platform_module("edge")["waf_preview"] == "${var.edge_waf_preview}"
    assert all("edge_waf_preview" not in env_call(env) for env in ENV_NAMES)


def test_clients_are_rate_limited_and_banned_by_address_and_adaptive_protection_is_on():
    policy = edge_resource("google_compute_security_policy", "api")
    (ban,) = [r for r in policy["rule"] if r["action"] == "rate_based_ban"]
    options = one(ban, "rate_limit_options")
    assert options["enforce_on_key"] == "IP"  # the connection's address, not X-Forwarded-For
    assert options["exceed_action"] == "deny(429)"
    assert options["ban_duration_sec"] == "${var.rate_limit.ban_seconds}"
    assert one(options, "rate_limit_threshold") == {
        "count": "${var.rate_limit.requests}",
        "interval_sec": "${var.rate_limit.interval_seconds}",
    }
    assert one(options, "ban_threshold") == {
        "count": "${var.rate_limit.ban_requests}",
        "interval_sec": "${var.rate_limit.ban_interval_seconds}",
    }
    assert platform_module("edge")["rate_limit"] == "${var.edge_rate_limit}"
    ddos = one(one(policy, "adaptive_protection_config"), "layer_7_ddos_defense_config")
    assert ddos["enable"] is True
    # The deny list comes first, from its variable.
    (denied,) = [d["rule"] for d in policy["dynamic"] if "denied_chunks" in d["rule"]["for_each"]]
    assert denied["content"][0]["action"] == "deny(403)"
    assert "var.denied_ip_ranges" in platform_locals_of_edge()["denied_chunks"]
    default_rule = max(policy["rule"], key=lambda r: r["priority"])
    assert default_rule["priority"] == 2147483647 and default_rule["action"] == "allow"


def platform_locals_of_edge() -> dict[str, Any]:
    from tests.terraform.hcl import locals_of

    return locals_of(EDGE / "main.tf")


def test_bans_are_counted_and_a_surge_alerts():
    assert platform_module("monitoring")["security_policy_name"] == (
        "${local.edge_on ? module.edge[0].security_policy : null}"
    )
    (metric,) = resources("google_logging_metric")
    # python-hcl2 keeps the escaped quotes of the HCL strings.
    metric_filter = metric.body["filter"].replace('\\"', '"')
    policy_name = 'jsonPayload.enforcedSecurityPolicy.name = "${var.security_policy_name}"'
    assert policy_name in metric_filter
    assert 'jsonPayload.enforcedSecurityPolicy.outcome = "DENY"' in metric_filter
    assert "configuredAction" in metric.body["label_extractors"]["action"]
    (alert,) = [r for r in resources("google_monitoring_alert_policy") if r.name == "ban_surge"]
    condition = one(one(alert.body, "conditions"), "condition_threshold")
    alert_filter = condition["filter"].replace('\\"', '"')
    assert 'metric.labels.action = "RATE_BASED_BAN"' in alert_filter
    assert "google_logging_metric.armor_denials[0].name" in alert_filter
    assert one(alert.body, "documentation")["content"]
    # Behind the edge the uptime check goes through it (the run.app URL answers nobody).
    assert platform_module("monitoring")["api_host"] == (
        "${local.edge_on ? var.edge_domain : module.api.host}"
    )


# --- the front door: HTTPS with a managed certificate, HTTP only redirects ------------------


def test_https_serves_with_a_managed_certificate_and_modern_tls_on_the_reserved_address():
    https = edge_resource("google_compute_global_forwarding_rule", "https")
    assert https["port_range"] == "443"
    assert https["load_balancing_scheme"] == "EXTERNAL_MANAGED"
    assert https["target"] == "${google_compute_target_https_proxy.this.id}"
    proxy = edge_resource("google_compute_target_https_proxy", "this")
    assert proxy["url_map"] == "${google_compute_url_map.https.id}"
    assert proxy["ssl_certificates"] == ["${google_compute_managed_ssl_certificate.this.id}"]
    assert proxy["ssl_policy"] == "${google_compute_ssl_policy.this.id}"
    certificate = edge_resource("google_compute_managed_ssl_certificate", "this")
    assert one(certificate, "managed")["domains"] == ["${var.domain}"]
    policy = edge_resource("google_compute_ssl_policy", "this")
    assert policy["min_tls_version"] == "TLS_1_2"


def test_the_http_forwarding_rule_only_redirects_to_https():
    http = edge_resource("google_compute_global_forwarding_rule", "http")
    https = edge_resource("google_compute_global_forwarding_rule", "https")
    assert http["port_range"] == "80"
    assert http["ip_address"] == https["ip_address"] == "${google_compute_global_address.this.id}"
    assert http["target"] == "${google_compute_target_http_proxy.http_redirect.id}"
    proxy = edge_resource("google_compute_target_http_proxy", "http_redirect")
    assert proxy["url_map"] == "${google_compute_url_map.http_redirect.id}"
    url_map = edge_resource("google_compute_url_map", "http_redirect")
    redirect = one(url_map, "default_url_redirect")
    assert redirect["https_redirect"] is True and redirect["strip_query"] is False
    # No backend at all: nothing is served over plain HTTP.
    assert not {"default_service", "host_rule", "path_matcher", "dynamic"} & set(url_map)
    # The only plain-HTTP proxy there is.
    assert [r.name for r in resources("google_compute_target_http_proxy")] == ["http_redirect"]


# --- images through Cloud CDN ---------------------------------------------------------------


def test_images_are_cached_no_longer_than_the_apis_url_window_and_never_stale():
    bucket = edge_resource("google_compute_backend_bucket", "images")
    assert bucket["enable_cdn"] is True
    assert bucket["bucket_name"] == "${var.images_bucket}"
    cdn = one(bucket, "cdn_policy")
    for ttl in ("signed_url_cache_max_age_sec", "default_ttl", "max_ttl", "client_ttl"):
        assert cdn[ttl] == "${var.image_cache_seconds}", ttl
    assert cdn["serve_while_stale"] == 0 and cdn["negative_caching"] is False
    call = platform_module("edge")
    assert call["images_bucket"] == "${module.uploads_bucket.name}"
    assert call["image_cache_seconds"] == "${var.image_url_window_seconds}"
    # The API's window is the same variable, and its default the code's.
    # (in storage_env: the upload function writes images with that max-age)
    assert LOCALS["storage_env"]["IMAGE_CDN_URL_WINDOW_SECONDS"] == (
        "${tostring(var.image_url_window_seconds)}"
    )
    from infra.settings import Settings

    field = Settings.model_fields["image_cdn_url_window_seconds"]
    platform_vars = variables(ROOT / "terraform" / "modules" / "platform")
    assert platform_vars["image_url_window_seconds"]["default"] == field.default
    # Only /images/* reaches the bucket.
    url_map = edge_resource("google_compute_url_map", "https")
    (matcher,) = [d["path_matcher"] for d in url_map["dynamic"] if "path_matcher" in d]
    (rule,) = matcher["content"][0]["path_rule"]
    assert rule["paths"] == ["/images/*"]
    assert rule["service"] == "${google_compute_backend_bucket.images[0].id}"


def test_the_cdn_signing_key_stays_out_of_state_and_only_the_api_reads_it():
    assert not resources("google_compute_backend_bucket_signed_url_key")
    secrets = platform_module("secrets")["secrets"]
    assert secrets["image-cdn-signing-key"]["iam"] == {
        "roles/secretmanager.secretAccessor": ["${local.member.api}"]
    }
    secret_env = LOCALS["image_cdn_secret_env"]
    assert 'IMAGE_CDN_KEY = {secret = module.secrets.names["image-cdn-signing-key"]' in secret_env
    # The version the key's name says, never "latest" (a rotation adds versions).
    assert 'version = regex("-([0-9]+)$", var.image_cdn_key_name)[0]' in secret_env
    assert env_call("prod")["image_cdn_key_name"] == "images-1"
    assert "local.image_cdn_secret_env" in platform_module("api")["secret_env"]
    # Everything the API is given for the CDN is a setting it reads.
    from infra.settings import Settings

    fields = {name.upper() for name in Settings.model_fields}
    given = env_names(LOCALS["image_cdn_env"]) | {"IMAGE_CDN_KEY"}
    assert given == {"IMAGE_CDN_BASE_URL", "IMAGE_CDN_KEY_NAME", "IMAGE_CDN_KEY"}
    assert "local.image_cdn_env" in platform_module("api")["env"]
    assert given <= fields
    assert LOCALS["image_cdn_on"] == "${local.edge_on && var.image_cdn_key_name != null}"
    assert 'IMAGE_CDN_BASE_URL = "https://${var.edge_domain}"' in LOCALS["image_cdn_env"]


def test_cloud_cdn_reads_the_upload_bucket_only_when_it_serves_images():
    iam = platform_module("uploads_bucket")["iam"]
    assert '"roles/storage.objectViewer" = [local.cdn_fill_member]' in iam
    assert "local.image_cdn_on ?" in iam
    assert LOCALS["cdn_fill_member"] == (
        "serviceAccount:service-${module.services.project_number}"
        "@cloud-cdn-fill.iam.gserviceaccount.com"
    )


# --- CORS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENV_NAMES)
def test_the_web_origins_reach_the_apis_cors_and_the_buckets(env):
    from infra.settings import load_settings

    env_expression = platform_module("api")["env"]
    assert 'CORS_ALLOWED_ORIGINS = join(",", var.web_origins)' in env_expression
    (cors,) = platform_module("uploads_bucket")["cors"]
    assert cors["origins"] == "${var.web_origins}"
    assert env_call(env)["web_origins"] == "${var.web_origins}"
    origins = tfvars(env)["web_origins"]
    # What join() makes of the environment's origins is what the API reads.
    settings = load_settings(cors_allowed_origins=",".join(origins))
    assert settings.cors_allowed_origins == origins


def test_the_edge_is_named_apart_from_the_platform_files():
    """edge.tf holds the call; api.tf and the others only read its locals."""
    calls = {b.name: b.path.name for b in blocks("module", platform_files())}
    assert calls["edge"] == "edge.tf"


def test_the_platforms_rate_limit_has_the_modules_shape_and_defaults():
    platform_type = variables(ROOT / "terraform" / "modules" / "platform")["edge_rate_limit"]
    module_type = variables(EDGE)["rate_limit"]
    assert platform_type["type"] == module_type["type"]
    assert re.search(r"requests\s*=\s*optional\(number, 3000\)", module_type["type"])
    assert re.search(r"interval_seconds\s*=\s*optional\(number, 60\)", module_type["type"])
