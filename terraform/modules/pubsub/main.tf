# Topics, each with its own dead-letter topic, and subscriptions. Every subscription that
# delivers to a consumer has a retry policy (exponential backoff), a max delivery count and
# a dead-letter topic; the Pub/Sub service agent is allowed to publish the dead letters and
# to acknowledge the originals.
#
# Each dead-letter topic has one "hold" subscription that keeps what arrives for 7 days for
# inspection and replay (a topic without subscriptions would drop it). It is the end of the
# line: nothing consumes it, so it has no dead-letter topic of its own; an alert fires when
# it holds anything.

locals {
  pubsub_agent = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  publishers = merge([
    for topic, config in var.topics : {
      for member in config.publishers : "${topic}|${member}" => { topic = topic, member = member }
    }
  ]...)

  subscribers = merge([
    for name, config in var.subscriptions : {
      for member in config.subscribers : "${name}|${member}" => { subscription = name, member = member }
    }
  ]...)
}

resource "google_pubsub_topic" "this" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  for_each = var.topics

  project                    = var.project_id
  name                       = each.key
  message_retention_duration = each.value.message_retention_duration
  labels                     = var.labels
}

resource "google_pubsub_topic" "dead_letter" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  for_each = var.topics

  project                    = var.project_id
  name                       = "${each.key}-dead-letter"
  message_retention_duration = var.dead_letter_retention
  labels                     = merge(var.labels, { role = "dead-letter" })
}

resource "google_pubsub_subscription" "dead_letter_hold" {
  for_each = var.topics

  project                    = var.project_id
  name                       = "${each.key}-dead-letter-hold"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 600
  message_retention_duration = var.dead_letter_retention
  retain_acked_messages      = false
  labels                     = merge(var.labels, { role = "dead-letter" })

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "60s"
    maximum_backoff = "600s"
  }
}

resource "google_pubsub_topic_iam_member" "publishers" {
  for_each = local.publishers

  project = var.project_id
  topic   = google_pubsub_topic.this[each.value.topic].name
  role    = "roles/pubsub.publisher"
  member  = each.value.member
}

# Dead-lettering publishes as the Pub/Sub service agent.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = var.topics

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[each.key].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription" "this" {
  for_each = var.subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.this[each.value.topic].id
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = each.value.message_retention_duration
  enable_message_ordering    = each.value.enable_message_ordering
  filter                     = each.value.filter
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = each.value.minimum_backoff
    maximum_backoff = each.value.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.value.topic].id
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  dynamic "push_config" {
    for_each = each.value.push_endpoint == null ? [] : [each.value]
    content {
      push_endpoint = push_config.value.push_endpoint
      oidc_token {
        service_account_email = push_config.value.push_service_account_email
        audience              = push_config.value.push_endpoint
      }
    }
  }
}

# Forwarding to the dead-letter topic requires the agent to acknowledge the original.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = var.subscriptions

  project      = var.project_id
  subscription = google_pubsub_subscription.this[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "subscribers" {
  for_each = local.subscribers

  project      = var.project_id
  subscription = google_pubsub_subscription.this[each.value.subscription].name
  role         = "roles/pubsub.subscriber"
  member       = each.value.member
}
