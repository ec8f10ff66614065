variable "project_id" {
  type        = string
  description = "Project of the instance."
}

variable "region" {
  type        = string
  description = "Region of the instance."
}

variable "name" {
  type        = string
  description = "Instance name (part of the connection name project:region:name)."
}

variable "database_version" {
  type        = string
  description = "PostgreSQL major version (the embedded local database is 16)."
  default     = "POSTGRES_16"
}

variable "edition" {
  type        = string
  description = "Cloud SQL edition: ENTERPRISE (custom tiers) or ENTERPRISE_PLUS."
  default     = "ENTERPRISE"
}

variable "tier" {
  type        = string
  description = "Machine tier, e.g. db-custom-2-8192 (2 vCPU, 8 GB)."
}

variable "availability_type" {
  type        = string
  description = "ZONAL, or REGIONAL for a high-availability standby in another zone."
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "availability_type is ZONAL or REGIONAL."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Initial SSD size in GB (grows automatically)."
  default     = 20
}

variable "disk_autoresize_limit_gb" {
  type        = number
  description = "Ceiling for automatic disk growth in GB (0: no limit)."
  default     = 200
}

variable "network_id" {
  type        = string
  description = "VPC id with private services access connected (the instance's only address is private)."
}

variable "ssl_mode" {
  type        = string
  description = "TLS policy: TRUSTED_CLIENT_CERTIFICATE_REQUIRED (connectors and the Auth Proxy) or ENCRYPTED_ONLY."
  default     = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"

  validation {
    condition     = contains(["TRUSTED_CLIENT_CERTIFICATE_REQUIRED", "ENCRYPTED_ONLY"], var.ssl_mode)
    error_message = "ssl_mode must require TLS: TRUSTED_CLIENT_CERTIFICATE_REQUIRED or ENCRYPTED_ONLY."
  }
}

variable "connector_enforcement" {
  type        = string
  description = "REQUIRED: only Cloud SQL connectors (Python connector, Auth Proxy) may connect; NOT_REQUIRED otherwise."
  default     = "REQUIRED"
}

variable "max_connections" {
  type        = number
  description = "PostgreSQL max_connections flag; every client pool must fit under it (see the environment's connection budget)."
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the instance from deletion, in Terraform and in the API."
}

variable "backup_start_time" {
  type        = string
  description = "Start of the daily backup window, HH:MM in UTC."
  default     = "18:00"
}

variable "retained_backups" {
  type        = number
  description = "Number of daily backups kept."
  default     = 14
}

variable "transaction_log_retention_days" {
  type        = number
  description = "Days of write-ahead log kept for point-in-time recovery (1-7 on Enterprise)."
  default     = 7
}

variable "maintenance_day" {
  type        = number
  description = "Day of the maintenance window, 1 (Monday) to 7 (Sunday)."
  default     = 7
}

variable "maintenance_hour" {
  type        = number
  description = "Hour of the maintenance window in UTC (0-23)."
  default     = 19
}

variable "database_name" {
  type        = string
  description = "The application database."
  default     = "quad"
}

variable "iam_users" {
  type = map(object({
    email          = string
    database_roles = list(string)
  }))
  description = "IAM database users by key: the service account email and the PostgreSQL roles Cloud SQL grants it."
  default     = {}
}

variable "extra_flags" {
  type        = map(string)
  description = "Further database flags (names not already set by the module)."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the instance."
  default     = {}
}
