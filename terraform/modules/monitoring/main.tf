# Cloud Monitoring for an environment: e-mail notification channels, an uptime check on the
# API's /healthz, and alert policies for the API's 5xx rate and p99 latency, dead letters
# waiting, events stuck on an Eventarc path, failed DAG runs, Cloud SQL CPU and
# connections, and, behind the edge, Cloud Armor's rate-based bans.

locals {
  channels = [for c in google_monitoring_notification_channel.email : c.id]

  api_filter = join(" AND ", [
    "resource.type = \"cloud_run_revision\"",
    "resource.labels.service_name = \"${var.api_service_name}\"",
  ])

  sql_filter = join(" AND ", [
    "resource.type = \"cloudsql_database\"",
    "resource.labels.database_id = \"${var.sql_database_id}\"",
  ])

  dead_letter_filter = join(" AND ", [
    "resource.type = \"pubsub_subscription\"",
    "metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\"",
    "resource.labels.subscription_id = one_of(${join(", ", [for s in var.dead_letter_subscriptions : "\"${s}\""])})",
  ])

  # Eventarc owns the subscriptions of its triggers (named eventarc-REGION-TRIGGER-sub-N):
  # they have no dead-letter topic, so a failing event is retried until it expires.
  eventarc_filter = join(" AND ", [
    "resource.type = \"pubsub_subscription\"",
    "metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\"",
    "(${join(" OR ", [for p in var.eventarc_subscription_prefixes : "resource.labels.subscription_id = starts_with(\"${p}\")"])})",
  ])
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.notification_emails)

  project      = var.project_id
  display_name = "Quad alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }
}

resource "google_monitoring_uptime_check_config" "api" {
  project      = var.project_id
  display_name = "${var.api_service_name} ${var.uptime_path}"
  timeout      = "10s"
  period       = "60s"
  checker_type = "STATIC_IP_CHECKERS"

  http_check {
    path           = var.uptime_path
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = var.api_host
    }
  }
}

resource "google_monitoring_alert_policy" "uptime" {
  project               = var.project_id
  display_name          = "API down: ${var.uptime_path} failing"
  combiner              = "OR"
  severity              = "CRITICAL"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Uptime check failing from more than one region"
    condition_threshold {
      filter          = "metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type = \"uptime_url\" AND metric.labels.check_id = \"${google_monitoring_uptime_check_config.api.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "120s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.labels.host"]
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The API's `${var.uptime_path}` does not answer 2xx from several regions. Check the Cloud Run service `${var.api_service_name}` (revisions, logs); roll traffic back to the previous revision if a deploy caused it (terraform/README.md, Rolling back)."
  }
}

resource "google_monitoring_alert_policy" "api_5xx" {
  project               = var.project_id
  display_name          = "API 5xx rate above ${var.error_rate_threshold * 100}%"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "5xx responses / all responses over 5 minutes"
    condition_threshold {
      filter             = "${local.api_filter} AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      denominator_filter = "${local.api_filter} AND metric.type = \"run.googleapis.com/request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.error_rate_threshold
      duration           = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }
      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "More than ${var.error_rate_threshold * 100}% of requests to `${var.api_service_name}` end in 5xx. Look at the error logs (severity>=ERROR); if it started with a deploy, move traffic back to the previous revision."
  }
}

resource "google_monitoring_alert_policy" "api_latency" {
  project               = var.project_id
  display_name          = "API p99 latency above ${var.latency_p99_threshold_ms} ms"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "p99 request latency over 5 minutes"
    condition_threshold {
      filter          = "${local.api_filter} AND metric.type = \"run.googleapis.com/request_latencies\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.latency_p99_threshold_ms
      duration        = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "p99 latency of `${var.api_service_name}` is above ${var.latency_p99_threshold_ms} ms. Check Cloud SQL (CPU, connections, Query Insights) and the instance count against max instances."
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  count = length(var.dead_letter_subscriptions) > 0 ? 1 : 0

  project               = var.project_id
  display_name          = "Dead letters waiting"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Messages in a dead-letter hold subscription"
    condition_threshold {
      filter          = local.dead_letter_filter
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "60s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "An event failed every delivery attempt and was dead-lettered. Pull it from the `*-dead-letter-hold` subscription named in the incident, find the handler's error in the function's logs, fix, then republish it to the source topic and acknowledge it."
  }
}

resource "google_monitoring_alert_policy" "eventarc_backlog" {
  count = length(var.eventarc_subscription_prefixes) > 0 ? 1 : 0

  project               = var.project_id
  display_name          = "Events failing on an Eventarc trigger"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Oldest undelivered event older than ${var.eventarc_backlog_age_seconds} s"
    condition_threshold {
      filter          = local.eventarc_filter
      comparison      = "COMPARISON_GT"
      threshold_value = var.eventarc_backlog_age_seconds
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A function fed by an Eventarc trigger (the upload check) keeps failing an event: Eventarc retries it for up to 24 hours, then drops it (its subscription has no dead-letter topic). Find the error in the function's logs and fix or redeploy before the event expires; an upload whose event expired stays pending, and its object under incoming/ is deleted by the bucket's lifecycle rule."
  }
}

resource "google_monitoring_alert_policy" "dag_failures" {
  count = var.composer_environment_name == null ? 0 : 1

  project               = var.project_id
  display_name          = "Analytics DAG run failed"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Failed DAG runs in ${var.composer_environment_name}"
    condition_threshold {
      filter          = "resource.type = \"cloud_composer_workflow\" AND resource.labels.environment_name = \"${var.composer_environment_name}\" AND metric.type = \"composer.googleapis.com/workflow/run_count\" AND metric.labels.state = \"failed\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.workflow_name"]
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A DAG run failed in Composer environment `${var.composer_environment_name}`. Open the run in the Airflow UI; a day's load is rerunnable (it replaces the day's partition)."
  }
}

resource "google_monitoring_alert_policy" "sql_cpu" {
  project               = var.project_id
  display_name          = "Cloud SQL CPU above ${var.sql_cpu_threshold * 100}%"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "CPU utilization over 10 minutes"
    condition_threshold {
      filter          = "${local.sql_filter} AND metric.type = \"cloudsql.googleapis.com/database/cpu/utilization\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.sql_cpu_threshold
      duration        = "600s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MEAN"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Cloud SQL `${var.sql_database_id}` is busy. Query Insights shows the heaviest queries; a larger tier is a terraform change to the environment's db_tier."
  }
}

resource "google_monitoring_alert_policy" "sql_connections" {
  project               = var.project_id
  display_name          = "Cloud SQL connections above ${var.sql_connections_ratio * 100}% of max_connections"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Connections (all databases) over 5 minutes"
    condition_threshold {
      filter          = "${local.sql_filter} AND metric.type = \"cloudsql.googleapis.com/database/postgresql/num_backends\""
      comparison      = "COMPARISON_GT"
      threshold_value = floor(var.sql_max_connections * var.sql_connections_ratio)
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.database_id"]
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Connections to `${var.sql_database_id}` are near max_connections (${var.sql_max_connections}). The budget is in the environment's main.tf (connection_budget): pools x workers x max instances. Something holds more than its share, or the budget changed without max_connections."
  }
}

# Cloud Armor's decisions on the API (edge module): a log-based metric of every request the
# policy denied, by the action of the rule that matched, and an alert when bans surge.
resource "google_logging_metric" "armor_denials" {
  count = var.security_policy_name == null ? 0 : 1

  project     = var.project_id
  name        = "quad/armor_denials"
  description = "Requests Cloud Armor policy ${var.security_policy_name} denied, by the configured action of the matching rule (RATE_BASED_BAN, DENY)."
  filter = join(" AND ", [
    "resource.type = \"http_load_balancer\"",
    "jsonPayload.enforcedSecurityPolicy.name = \"${var.security_policy_name}\"",
    "jsonPayload.enforcedSecurityPolicy.outcome = \"DENY\"",
  ])

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "action"
      value_type  = "STRING"
      description = "configuredAction of the rule that matched"
    }
  }

  label_extractors = {
    action = "EXTRACT(jsonPayload.enforcedSecurityPolicy.configuredAction)"
  }
}

resource "google_monitoring_alert_policy" "ban_surge" {
  count = var.security_policy_name == null ? 0 : 1

  project               = var.project_id
  display_name          = "Edge: rate-based bans above ${var.ban_surge_per_second}/s"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.channels
  user_labels           = var.labels

  conditions {
    display_name = "Requests denied by the rate-based ban over 5 minutes"
    condition_threshold {
      filter          = "metric.type = \"logging.googleapis.com/user/${google_logging_metric.armor_denials[0].name}\" AND metric.labels.action = \"RATE_BASED_BAN\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.ban_surge_per_second
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Cloud Armor policy `${var.security_policy_name}` is banning many requests: a flood, a scraper, or a whole campus NAT over the per-address rate. In Logs Explorer, `jsonPayload.enforcedSecurityPolicy.configuredAction=\"RATE_BASED_BAN\"` shows the banned addresses (`httpRequest.remoteIp`). A legitimate address (a school's NAT) calls for a higher `edge_rate_limit` in the environment's main.tf; an attack is what the ban is for (see also Adaptive Protection's alerts in Cloud Armor)."
  }
}
