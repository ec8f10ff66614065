# The edge in front of the API: a global external Application Load Balancer
# (EXTERNAL_MANAGED) on a reserved address, with a Google-managed certificate for one
# domain, HTTP on :80 answering only with a redirect to HTTPS, the API's Cloud Run service
# behind a serverless NEG guarded by a Cloud Armor policy (preconfigured WAF rules, a deny
# list, a rate-based ban per client address, Adaptive Protection), and optionally the
# upload bucket's images/ through Cloud CDN on the same host, readable only with Cloud CDN
# signed URLs. README.md says what is cached where and for how long.

locals {
  images = var.images_bucket != null
  # Cloud Armor takes at most 10 ranges per rule: one deny rule per 10.
  denied_chunks = chunklist(var.denied_ip_ranges, 10)
  waf_rules = [
    for i, name in sort(keys(var.waf_rules)) : {
      name        = name
      priority    = 1000 + i
      rule_set    = var.waf_rules[name].rule_set
      sensitivity = var.waf_rules[name].sensitivity
    }
  ]
}

resource "google_compute_global_address" "this" {
  project      = var.project_id
  name         = var.name
  address_type = "EXTERNAL"
  ip_version   = "IPV4"
  labels       = var.labels
}

# A new name for a new domain, made before the old one is let go: the proxy never points
# at no certificate.
resource "google_compute_managed_ssl_certificate" "this" {
  project = var.project_id
  name    = "${var.name}-${substr(sha1(var.domain), 0, 8)}"

  managed {
    domains = [var.domain]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_ssl_policy" "this" {
  project         = var.project_id
  name            = var.name
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

# --- the API ----------------------------------------------------------------------------

resource "google_compute_region_network_endpoint_group" "api" {
  project               = var.project_id
  name                  = "${var.name}-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = var.cloud_run_service
  }
}

# No health check and no timeout: serverless NEGs take neither (the service's own request
# timeout applies). Every request is logged with the policy's decision on it.
resource "google_compute_backend_service" "api" {
  project               = var.project_id
  name                  = "${var.name}-api"
  description           = "The API's Cloud Run service, behind Cloud Armor"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  security_policy       = google_compute_security_policy.api.id
  # API answers are per viewer: never cached.
  enable_cdn = false

  backend {
    group = google_compute_region_network_endpoint_group.api.id
  }

  log_config {
    enable      = true
    sample_rate = var.log_sample_rate
  }
}

# --- Cloud Armor --------------------------------------------------------------------------

resource "google_compute_security_policy" "api" {
  project     = var.project_id
  name        = "${var.name}-api"
  description = "The API: WAF rules, deny list, rate-based ban per client address, Adaptive Protection"
  type        = "CLOUD_ARMOR"

  advanced_options_config {
    # The API takes JSON: the WAF rules read its values, not the raw body, so Korean text
    # and punctuation inside strings are not taken for syntax.
    json_parsing = "STANDARD"
    log_level    = var.log_level
  }

  adaptive_protection_config {
    layer_7_ddos_defense_config {
      enable          = true
      rule_visibility = "STANDARD"
    }
  }

  dynamic "rule" {
    for_each = local.denied_chunks
    content {
      priority    = 100 + rule.key
      action      = "deny(403)"
      description = "Deny list ${rule.key + 1}"
      match {
        versioned_expr = "SRC_IPS_V1"
        config {
          src_ip_ranges = rule.value
        }
      }
    }
  }

  # Log4Shell lookups match nothing legitimate: enforced even while the WAF rules preview.
  rule {
    priority    = 900
    action      = "deny(403)"
    description = "Log4j JNDI lookups (CVE-2021-44228)"
    preview     = false
    match {
      expr {
        expression = "evaluatePreconfiguredWaf('cve-canary')"
      }
    }
  }

  dynamic "rule" {
    for_each = local.waf_rules
    content {
      priority    = rule.value.priority
      action      = "deny(403)"
      description = "WAF ${rule.value.rule_set} sensitivity ${rule.value.sensitivity}"
      preview     = var.waf_preview
      match {
        expr {
          expression = "evaluatePreconfiguredWaf('${rule.value.rule_set}', {'sensitivity': ${rule.value.sensitivity}})"
        }
      }
    }
  }

  # Per client address (the load balancer's own view of it, not X-Forwarded-For): over the
  # rate, requests get 429; far over it, the address is banned for a while.
  rule {
    priority    = 2000
    action      = "rate_based_ban"
    description = "Rate-based ban per client address"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action   = "allow"
      exceed_action    = "deny(429)"
      enforce_on_key   = "IP"
      ban_duration_sec = var.rate_limit.ban_seconds
      rate_limit_threshold {
        count        = var.rate_limit.requests
        interval_sec = var.rate_limit.interval_seconds
      }
      ban_threshold {
        count        = var.rate_limit.ban_requests
        interval_sec = var.rate_limit.ban_interval_seconds
      }
    }
  }

  rule {
    priority    = 2147483647
    action      = "allow"
    description = "Everything else"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

# --- images through Cloud CDN ---------------------------------------------------------------

# Requests for /images/* read the object of the same name. Only signed requests are read
# with the Cloud CDN fill account's access to the bucket; an unsigned one reaches the
# private bucket anonymously and is refused. A signed response is cached for at most
# image_cache_seconds (signed_url_cache_max_age_sec overrides the object's Cache-Control),
# and never served stale: an image deleted from the bucket is gone from the CDN by then.
resource "google_compute_backend_bucket" "images" {
  count = local.images ? 1 : 0

  project     = var.project_id
  name        = "${var.name}-images"
  description = "Images of the upload bucket through Cloud CDN (signed URLs only)"
  bucket_name = var.images_bucket
  enable_cdn  = true

  cdn_policy {
    cache_mode                   = "CACHE_ALL_STATIC"
    signed_url_cache_max_age_sec = var.image_cache_seconds
    default_ttl                  = var.image_cache_seconds
    max_ttl                      = var.image_cache_seconds
    client_ttl                   = var.image_cache_seconds
    serve_while_stale            = 0
    negative_caching             = false
    request_coalescing           = true
  }
}

# --- routing --------------------------------------------------------------------------------

resource "google_compute_url_map" "https" {
  project         = var.project_id
  name            = var.name
  description     = "The API; /images/* from the upload bucket through Cloud CDN"
  default_service = google_compute_backend_service.api.id

  dynamic "host_rule" {
    for_each = local.images ? [var.domain] : []
    content {
      hosts        = [host_rule.value]
      path_matcher = "images"
    }
  }

  dynamic "path_matcher" {
    for_each = local.images ? [1] : []
    content {
      name            = "images"
      default_service = google_compute_backend_service.api.id
      path_rule {
        paths   = ["/images/*"]
        service = google_compute_backend_bucket.images[0].id
      }
    }
  }
}

resource "google_compute_target_https_proxy" "this" {
  project          = var.project_id
  name             = var.name
  url_map          = google_compute_url_map.https.id
  ssl_certificates = [google_compute_managed_ssl_certificate.this.id]
  ssl_policy       = google_compute_ssl_policy.this.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name}-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_protocol           = "TCP"
  ip_address            = google_compute_global_address.this.id
  port_range            = "443"
  target                = google_compute_target_https_proxy.this.id
  labels                = var.labels
}

# Port 80 reaches no backend: every request is redirected to the same URL on HTTPS.
resource "google_compute_url_map" "http_redirect" {
  project     = var.project_id
  name        = "${var.name}-http-redirect"
  description = "HTTP to HTTPS"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "http_redirect" {
  project = var.project_id
  name    = "${var.name}-http-redirect"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${var.name}-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_protocol           = "TCP"
  ip_address            = google_compute_global_address.this.id
  port_range            = "80"
  target                = google_compute_target_http_proxy.http_redirect.id
  labels                = var.labels
}
