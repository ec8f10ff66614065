variable "project_id" {
  type        = string
  description = "Project monitored (and that owns the policies)."
}

variable "notification_emails" {
  type        = list(string)
  description = "E-mail addresses that receive every alert."
  default     = []
}

variable "api_service_name" {
  type        = string
  description = "Cloud Run service name of the API."
}

variable "api_host" {
  type        = string
  description = "Host name of the API's URL (uptime check target)."
}

variable "uptime_path" {
  type        = string
  description = "Path the uptime check requests."
  default     = "/healthz"
}

variable "error_rate_threshold" {
  type        = number
  description = "Share of 5xx responses that alerts (0.02 = 2%)."
  default     = 0.02
}

variable "latency_p99_threshold_ms" {
  type        = number
  description = "p99 request latency that alerts, in milliseconds."
  default     = 1000
}

variable "dead_letter_subscriptions" {
  type        = list(string)
  description = "Hold subscriptions of the dead-letter topics: any message in them alerts."
  default     = []
}

variable "eventarc_subscription_prefixes" {
  type        = list(string)
  description = "Prefixes of the subscriptions Eventarc created for function triggers (eventarc-REGION-FUNCTION); an old undelivered event in one alerts."
  default     = []
}

variable "eventarc_backlog_age_seconds" {
  type        = number
  description = "Age in seconds of the oldest undelivered event on an Eventarc subscription that alerts (events expire after 24 hours)."
  default     = 3600
}

variable "composer_environment_name" {
  type        = string
  description = "Composer environment whose failed DAG runs alert (null: no DAG alert)."
  default     = null
}

variable "sql_database_id" {
  type        = string
  description = "Cloud SQL instance as project:instance (the database_id metric label)."
}

variable "sql_max_connections" {
  type        = number
  description = "The instance's max_connections flag."
}

variable "sql_connections_ratio" {
  type        = number
  description = "Share of max_connections that alerts."
  default     = 0.8
}

variable "sql_cpu_threshold" {
  type        = number
  description = "CPU utilization (0-1) that alerts when sustained for 10 minutes."
  default     = 0.8
}

variable "labels" {
  type        = map(string)
  description = "User labels on the alert policies."
  default     = {}
}

variable "security_policy_name" {
  type        = string
  description = "Cloud Armor policy in front of the API (edge module) whose denials are counted and whose bans alert (null: no edge, no such metric)."
  default     = null
}

variable "ban_surge_per_second" {
  type        = number
  description = "Requests per second denied by the rate-based ban, sustained for 5 minutes, that alert."
  default     = 1
}
