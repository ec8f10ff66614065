variable "project_id" {
  type        = string
  description = "Project of the jobs."
}

variable "region" {
  type        = string
  description = "Region of the jobs."
}

variable "jobs" {
  type = map(object({
    description                = string
    schedule                   = string
    time_zone                  = optional(string, "Etc/UTC")
    topic                      = optional(string)
    http_uri                   = optional(string)
    oidc_service_account_email = optional(string)
    body                       = optional(string, "{}")
    attributes                 = optional(map(string), {})
    attempt_deadline_seconds   = optional(number, 300)
    retry_count                = optional(number, 1)
    paused                     = optional(bool, false)
  }))
  description = "Jobs by name: cron schedule and time zone, and either a topic id to publish to or an HTTPS URI to POST to with an OIDC token of oidc_service_account_email; the body (plain text, encoded here)."
  default     = {}

  validation {
    condition     = alltrue([for j in values(var.jobs) : (j.topic == null) != (j.http_uri == null)])
    error_message = "Each job has exactly one target: topic or http_uri."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : j.http_uri == null || j.oidc_service_account_email != null])
    error_message = "An HTTP job authenticates: set oidc_service_account_email."
  }
}
