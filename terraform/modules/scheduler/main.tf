# Cloud Scheduler jobs. A job either publishes a message to a Pub/Sub topic (Cloud
# Scheduler publishes as its own service agent) or calls an HTTPS endpoint with an OIDC
# token of the given service account (the outbox sweep calls its function this way).

resource "google_cloud_scheduler_job" "this" {
  for_each = var.jobs

  project          = var.project_id
  region           = var.region
  name             = each.key
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = each.value.time_zone
  paused           = each.value.paused
  attempt_deadline = each.value.http_uri == null ? null : "${each.value.attempt_deadline_seconds}s"

  retry_config {
    retry_count          = each.value.retry_count
    min_backoff_duration = "10s"
    max_backoff_duration = "60s"
  }

  dynamic "pubsub_target" {
    for_each = each.value.topic == null ? [] : [each.value]
    content {
      topic_name = pubsub_target.value.topic
      data       = base64encode(pubsub_target.value.body)
      attributes = pubsub_target.value.attributes
    }
  }

  dynamic "http_target" {
    for_each = each.value.http_uri == null ? [] : [each.value]
    content {
      uri         = http_target.value.http_uri
      http_method = "POST"
      body        = base64encode(http_target.value.body)
      headers     = { "Content-Type" = "application/json" }

      oidc_token {
        service_account_email = http_target.value.oidc_service_account_email
        audience              = http_target.value.http_uri
      }
    }
  }
}
