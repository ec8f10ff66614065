variable "project_id" {
  type        = string
  description = "Project of the functions."
}

variable "project_number" {
  type        = string
  description = "Project number (names the Pub/Sub service agent that forwards dead letters)."
}

variable "region" {
  type        = string
  description = "Region of the functions."
}

variable "functions" {
  type = list(object({
    name                    = string
    entry_point             = string
    description             = optional(string, "")
    source_dir              = string
    runtime                 = optional(string, "python311")
    service_account_email   = string
    topic                   = optional(string)
    dead_letter_topic       = optional(string)
    event_type              = optional(string)
    event_filters           = optional(map(string), {})
    retry                   = optional(bool, true)
    ack_deadline_seconds    = optional(number, 60)
    max_delivery_attempts   = optional(number, 5)
    minimum_backoff         = optional(string, "10s")
    maximum_backoff         = optional(string, "600s")
    enable_message_ordering = optional(bool, false)
    filter                  = optional(string)
    memory                  = optional(string, "512Mi")
    cpu                     = optional(string, "0.333")
    timeout_seconds         = optional(number, 60)
    min_instances           = optional(number, 0)
    max_instances           = optional(number, 3)
    environment             = optional(map(string), {})
    secret_environment = optional(map(object({
      secret  = string
      version = optional(string, "latest")
    })), {})
  }))
  description = "Function definitions: name, entry point, source directory (zipped as the function's source: main.py and requirements.txt at its root), runtime account, its way in (a topic it is pushed from with that topic's dead-letter topic; or an Eventarc event type with attribute filters and whether failures are retried; or neither: an HTTP function), delivery settings, size and environment. Empty: nothing is created."
  default     = []

  validation {
    condition     = length(distinct([for f in var.functions : f.name])) == length(var.functions)
    error_message = "Function names must be unique."
  }

  validation {
    condition     = alltrue([for f in var.functions : can(regex("^[a-z][a-z0-9-]{0,46}[a-z0-9]$", f.name))])
    error_message = "Function names are lowercase letters, digits and hyphens (they are also Cloud Run service names)."
  }

  validation {
    # Every Pub/Sub path ends in a dead-letter topic.
    condition     = alltrue([for f in var.functions : (f.topic == null) == (f.dead_letter_topic == null)])
    error_message = "A function with a topic needs that topic's dead_letter_topic (and an HTTP function neither)."
  }

  validation {
    condition     = alltrue([for f in var.functions : f.topic == null || f.event_type == null])
    error_message = "A function has one way in: a topic (push subscription) or an event_type (Eventarc trigger), not both."
  }

  validation {
    condition     = alltrue([for f in var.functions : f.event_type != null || length(f.event_filters) == 0])
    error_message = "event_filters apply to an Eventarc trigger: set event_type."
  }

  validation {
    condition     = alltrue([for f in var.functions : f.max_delivery_attempts >= 5 && f.max_delivery_attempts <= 100])
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub's range)."
  }

  validation {
    # A push subscription waits for the function's answer up to its ack deadline.
    condition     = alltrue([for f in var.functions : f.ack_deadline_seconds >= f.timeout_seconds])
    error_message = "ack_deadline_seconds must be at least the function's timeout_seconds."
  }
}

variable "source_bucket" {
  type        = string
  description = "Bucket the source archives are uploaded to."
}

variable "builder_service_account_email" {
  type        = string
  description = "Service account that builds the functions (logs, source read, image push)."
}

variable "docker_repository" {
  type        = string
  description = "Artifact Registry repository id (projects/P/locations/R/repositories/NAME) for the built images."
}

variable "invoker_service_account_email" {
  type        = string
  description = "Service account whose OIDC token the push subscriptions, Eventarc triggers and scheduler jobs send; the only invoker of the functions."
}

variable "network_id" {
  type        = string
  description = "VPC id for Direct VPC egress."
}

variable "subnet_id" {
  type        = string
  description = "Subnet id for Direct VPC egress."
}

variable "labels" {
  type        = map(string)
  description = "Labels on the functions and subscriptions."
  default     = {}
}
