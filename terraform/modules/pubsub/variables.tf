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
    publishers                 = optional(list(string), [])
  }))
  description = "Topics by name: how long the topic keeps messages (for replay with seek) and who may publish. Each gets NAME-dead-letter and NAME-dead-letter-hold."
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
    subscribers                = optional(list(string), [])
  }))
  description = "Consumer subscriptions by name (functions' push subscriptions are made by the functions module): topic (a key of topics), optional push endpoint with the OIDC identity, retry backoff, max delivery attempts (5-100) and pull subscribers."
  default     = {}

  validation {
    condition     = alltrue([for s in values(var.subscriptions) : s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100])
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub's range)."
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
