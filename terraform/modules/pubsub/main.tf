# Topics, each with its own dead-letter topic, and subscriptions. Every subscription that
# delivers to a consumer has a retry policy (exponential backoff), a max delivery count and
# a dead-letter topic; the Pub/Sub service agent is allowed to publish the dead letters and
# to acknowledge the originals.
#
# Each dead-letter topic has one "hold" subscription that keeps what arrives for 7 days for
# inspection and replay (a topic without subscriptions would drop it). It is the end of the
# line: nothing consumes it, so it has no dead-letter topic of its own; an alert fires when
# it holds anything.
#
# Roles on a topic or subscription: `iam` is authoritative per role, `iam_bindings_additive`
# adds single members (README: which to use). The service agent's own grants are additive
# and on roles no `iam` may take: publisher on the dead-letter topics (which take no `iam`),
# subscriber on the subscriptions (refused in a subscription's `iam`).

locals {
  pubsub_agent = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  topic_iam = merge([
    for topic, config in var.topics : {
      for role, members in config.iam : "${topic}|${role}" => { topic = topic, role = role, members = members }
    }
  ]...)

  topic_iam_additive = merge([
    for topic, config in var.topics : {
      for key, b in config.iam_bindings_additive : "${topic}|${key}" => { topic = topic, role = b.role, member = b.member }
    }
  ]...)

  subscription_iam = merge([
    for name, config in var.subscriptions : {
      for role, members in config.iam : "${name}|${role}" => { subscription = name, role = role, members = members }
    }
  ]...)

  subscription_iam_additive = merge([
    for name, config in var.subscriptions : {
      for key, b in config.iam_bindings_additive : "${name}|${key}" => { subscription = name, role = b.role, member = b.member }
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

# Each listed role has exactly these members on the topic: whoever else held it loses it.
resource "google_pubsub_topic_iam_binding" "authoritative" {
  for_each = local.topic_iam

  project = var.project_id
  topic   = google_pubsub_topic.this[each.value.topic].name
  role    = each.value.role
  members = each.value.members
}

# One member more in a role on the topic; other holders of the role are left alone.
resource "google_pubsub_topic_iam_member" "bindings" {
  for_each = local.topic_iam_additive

  project = var.project_id
  topic   = google_pubsub_topic.this[each.value.topic].name
  role    = each.value.role
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

# Each listed role has exactly these members on the subscription (never
# roles/pubsub.subscriber, which the service agent holds).
resource "google_pubsub_subscription_iam_binding" "authoritative" {
  for_each = local.subscription_iam

  project      = var.project_id
  subscription = google_pubsub_subscription.this[each.value.subscription].name
  role         = each.value.role
  members      = each.value.members
}

# One member more in a role on the subscription, e.g. a pull subscriber.
resource "google_pubsub_subscription_iam_member" "bindings" {
  for_each = local.subscription_iam_additive

  project      = var.project_id
  subscription = google_pubsub_subscription.this[each.value.subscription].name
  role         = each.value.role
  member       = each.value.member
}

# Topics' `publishers` and subscriptions' `subscribers` (both additive) became `iam` and
# `iam_bindings_additive`. Forget those grants instead of revoking them: the resources above
# take them over, and destroying the old ones would revoke members the new ones have just
# granted. Harmless once every environment has applied it.
removed {
  from = google_pubsub_topic_iam_member.publishers

  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription_iam_member.subscribers

  lifecycle {
    destroy = false
  }
}
