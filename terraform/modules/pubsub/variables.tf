variable "project_id" {
  type        = string
  description = "Project of the topics and subscriptions."
}

variable "project_number" {
  type        = string
  description = "Project number (names the Pub/Sub service agent that forwards dead letters)."
}

variable "topics" {
  type = map(object({
    message_retention_duration = optional(string, "604800s")
    iam                        = optional(map(list(string)), {})
    iam_bindings_additive = optional(map(object({
      role   = string
      member = string
    })), {})
  }))
  description = "Topics by name: how long the topic keeps messages (for replay with seek) and roles on the topic. iam is authoritative, role => members (google_pubsub_topic_iam_binding: each listed role has exactly these members, e.g. roles/pubsub.publisher = the publishers); iam_bindings_additive is additive, key => {role, member} (google_pubsub_topic_iam_member), a role in one of the two only. Each topic gets NAME-dead-letter and NAME-dead-letter-hold, whose roles are the module's own."
  nullable    = false

  validation {
    condition = alltrue([
      for t in values(var.topics) : alltrue([for b in values(t.iam_bindings_additive) : !contains(keys(t.iam), b.role)])
    ])
    error_message = "A role in a topic's iam is authoritative: it would revoke the same role granted by its iam_bindings_additive. Put each role in one of the two."
  }
}

variable "subscriptions" {
  type = map(object({
    topic                      = string
    push_endpoint              = optional(string)
    push_service_account_email = optional(string)
    ack_deadline_seconds       = optional(number, 60)
    message_retention_duration = optional(string, "604800s")
    enable_message_ordering    = optional(bool, false)
    filter                     = optional(string)
    minimum_backoff            = optional(string, "10s")
    maximum_backoff            = optional(string, "600s")
    max_delivery_attempts      = optional(number, 5)
    iam                        = optional(map(list(string)), {})
    iam_bindings_additive = optional(map(object({
      role   = string
      member = string
    })), {})
  }))
  description = "Consumer subscriptions by name (functions' push subscriptions are made by the functions module): topic (a key of topics), optional push endpoint with the OIDC identity, retry backoff, max delivery attempts (5-100), and roles on the subscription. iam is authoritative, role => members (google_pubsub_subscription_iam_binding), and may not name roles/pubsub.subscriber: the Pub/Sub service agent holds it for dead-lettering. iam_bindings_additive is additive, key => {role, member} (google_pubsub_subscription_iam_member): pull subscribers go there."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for s in values(var.subscriptions) : s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100])
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub's range)."
  }

  validation {
    condition     = alltrue([for s in values(var.subscriptions) : !contains(keys(s.iam), "roles/pubsub.subscriber")])
    error_message = "roles/pubsub.subscriber in a subscription's iam would revoke the Pub/Sub service agent's, which dead-lettering needs: grant subscribers with iam_bindings_additive."
  }

  validation {
    condition = alltrue([
      for s in values(var.subscriptions) : alltrue([for b in values(s.iam_bindings_additive) : !contains(keys(s.iam), b.role)])
    ])
    error_message = "A role in a subscription's iam is authoritative: it would revoke the same role granted by its iam_bindings_additive. Put each role in one of the two."
  }
}

variable "dead_letter_retention" {
  type        = string
  description = "How long dead letters are kept (on the dead-letter topic and its hold subscription)."
  default     = "604800s"
}

variable "labels" {
  type        = map(string)
  description = "Labels on every topic and subscription."
  default     = {}
}
