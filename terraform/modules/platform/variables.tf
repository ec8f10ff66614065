# Every knob of a Quad environment. The environment roots (envs/dev, envs/prod) set the
# values that differ; terraform/README.md describes each variable with both environments'
# values.

variable "project_id" {
  type        = string
  description = "Project the environment lives in (one project per environment)."
}

variable "region" {
  type        = string
  description = "Region of every regional resource (Cloud Run, Cloud SQL, functions, buckets, BigQuery, Composer)."
}

variable "environment" {
  type        = string
  description = "Environment name: dev or prod (labels, ENVIRONMENT in the workloads' logs)."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment is dev or prod."
  }
}

variable "labels" {
  type        = map(string)
  description = "Extra labels on every resource that takes labels (cost reports group by them)."
  default     = {}
}

variable "terraform_state_bucket" {
  type        = string
  description = "Bucket of Terraform's state (created at bootstrap, outside Terraform); the deployer may read it to run terraform plan in Cloud Build."
}

# --- network -----------------------------------------------------------------------------

variable "subnet_cidr" {
  type        = string
  description = "Range of the serverless subnet (Direct VPC egress uses about two addresses per instance)."
  default     = "10.10.0.0/20"
}

variable "private_services_address" {
  type        = string
  description = "First address of the /20 private services access range for Cloud SQL."
  default     = "10.20.0.0"
}

# --- the API on Cloud Run ----------------------------------------------------------------

variable "api_image" {
  type        = string
  description = "Image of the very first revision (a placeholder that answers 200 on every path); Cloud Build deploys the real images."
  default     = "us-docker.pkg.dev/cloudrun/container/hello"
}

variable "api_cpu" {
  type        = string
  description = "vCPUs per API instance."
}

variable "api_memory" {
  type        = string
  description = "Memory per API instance, in Mi or Gi (512Mi, 1Gi); must hold api_workers x (api_worker_baseline_mib + api_password_hash_memory_budget_mib) or plan fails."

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.api_memory))
    error_message = "api_memory is a whole number of Mi or Gi, e.g. 512Mi or 1Gi."
  }
}

variable "api_worker_baseline_mib" {
  type        = number
  description = "MiB one API worker needs besides password hashing (about 130 idle, more under load); the memory check counts it per worker."
  default     = 200
}

variable "api_password_hash_memory_budget_mib" {
  type        = number
  description = "MiB each API worker may spend on password hashes in progress at once (PASSWORD_HASH_MEMORY_BUDGET_MIB). Each hash holds api_password_hash_memory_kib (19 MiB by default), so budget / that many run at once; a login or signup that cannot start one soon answers 503."

  validation {
    condition     = var.api_password_hash_memory_budget_mib * 1024 >= var.api_password_hash_memory_kib
    error_message = "api_password_hash_memory_budget_mib must hold at least one hash of api_password_hash_memory_kib."
  }
}

variable "api_password_hash_memory_kib" {
  type        = number
  description = "argon2id memory cost in KiB (PASSWORD_HASH_MEMORY_KIB): the memory each password hash in progress holds; 19456 KiB = 19 MiB. Stored hashes with other parameters still verify and are rehashed at login."
  default     = 19456

  validation {
    condition     = var.api_password_hash_memory_kib >= 8
    error_message = "argon2 needs at least 8 KiB."
  }
}

variable "api_password_hash_time_cost" {
  type        = number
  description = "argon2id passes over the memory per hash (PASSWORD_HASH_TIME_COST); a hash's time grows with memory x passes."
  default     = 2

  validation {
    condition     = var.api_password_hash_time_cost >= 1
    error_message = "api_password_hash_time_cost is at least 1."
  }
}

variable "api_password_hash_parallelism" {
  type        = number
  description = "argon2id lanes per hash (PASSWORD_HASH_PARALLELISM): threads one hash may use; its memory stays api_password_hash_memory_kib."
  default     = 1

  validation {
    condition     = var.api_password_hash_parallelism >= 1
    error_message = "api_password_hash_parallelism is at least 1."
  }
}

variable "api_workers" {
  type        = number
  description = "uvicorn worker processes per instance (WEB_CONCURRENCY); one per vCPU."

  validation {
    condition     = var.api_workers >= 1
    error_message = "api_workers is at least 1."
  }
}

variable "api_concurrency" {
  type        = number
  description = "Requests one API instance serves at once (Cloud Run concurrency)."
}

variable "api_min_instances" {
  type        = number
  description = "API instances kept warm (0 scales to zero; 1 avoids cold starts)."
}

variable "api_max_instances" {
  type        = number
  description = "API instance ceiling; bounds the API's database connections."
}

variable "db_pool_size" {
  type        = number
  description = "Connections each API and migration process keeps open (DB_POOL_SIZE)."
  default     = 5
}

variable "db_max_overflow" {
  type        = number
  description = "Extra connections each API and migration process may open under load (DB_MAX_OVERFLOW)."
  default     = 2
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of the API, the migration job, the functions and the DAGs."
  default     = "INFO"
}

# --- Cloud SQL -----------------------------------------------------------------------------

variable "db_tier" {
  type        = string
  description = "Cloud SQL machine tier (Enterprise edition), e.g. db-custom-2-8192."
}

variable "db_availability_type" {
  type        = string
  description = "ZONAL, or REGIONAL for a standby in a second zone."
}

variable "db_disk_size_gb" {
  type        = number
  description = "Initial Cloud SQL disk in GB (grows automatically)."
  default     = 20
}

variable "db_max_connections" {
  type        = number
  description = "PostgreSQL max_connections; the connection budget must fit under it or plan fails."
}

variable "db_reserved_connections" {
  type        = number
  description = "Connections kept free for Cloud SQL's own use, operators and monitoring."
  default     = 15
}

variable "deletion_protection" {
  type        = bool
  description = "Protect stateful resources from deletion: the Cloud SQL instance, the Cloud Run service and job (BigQuery tables are always protected)."
}

# --- uploads -------------------------------------------------------------------------------

variable "web_origins" {
  type        = list(string)
  description = "Web origins of the web app (https://quad.example): their pages may call the API (CORS_ALLOWED_ORIGINS) and PUT files to the upload bucket with signed URLs (the bucket's CORS)."
}

variable "upload_incoming_prefix" {
  type        = string
  description = "Object prefix raw uploads land under (signed upload URLs write there); the upload function processes only those objects."
  default     = "incoming/"
}

variable "upload_abandoned_after_days" {
  type        = number
  description = "Objects still under the incoming prefix after this many days (abandoned, or never processed) are deleted."
  default     = 2
}

# --- the edge: load balancer, Cloud Armor, Cloud CDN (edge.tf) ----------------------------

variable "edge_domain" {
  type        = string
  description = "Host name of the API behind the global external Application Load Balancer (managed certificate, Cloud Armor, images through Cloud CDN); the API's ingress is then internal-and-load-balancer only. null: no edge, the API answers on its run.app URL."
  default     = null
}

variable "edge_waf_preview" {
  type        = bool
  description = "Cloud Armor's WAF rules only log what they would deny (for tuning) instead of denying it."
  default     = false
}

variable "edge_denied_ip_ranges" {
  type        = list(string)
  description = "Client addresses or CIDR ranges the edge refuses with 403."
  default     = []
}

variable "edge_rate_limit" {
  type = object({
    requests             = optional(number, 3000)
    interval_seconds     = optional(number, 60)
    ban_requests         = optional(number, 6000)
    ban_interval_seconds = optional(number, 300)
    ban_seconds          = optional(number, 600)
  })
  description = "Cloud Armor's rate-based ban per client address: over requests per interval_seconds, 429; over ban_requests per ban_interval_seconds, banned (429) for ban_seconds. One address is often a whole campus behind a NAT."
  default     = {}
  nullable    = false
}

variable "image_cdn_key_name" {
  type        = string
  description = "Name (images-N) of the signed URL key added with gcloud, outside Terraform, to the edge's images backend bucket; its value is version N of the secret image-cdn-signing-key. With it the API gives out Cloud CDN image URLs; null: V4 signed Cloud Storage URLs."
  default     = null

  validation {
    condition     = var.image_cdn_key_name == null || can(regex("^[a-z][-a-z0-9]{0,50}-[0-9]+$", var.image_cdn_key_name))
    error_message = "image_cdn_key_name is NAME-N (e.g. images-1): lower-case letters, digits and dashes, ending in the secret version N that holds its value."
  }
}

variable "image_url_window_seconds" {
  type        = number
  description = "Image URLs through the CDN (IMAGE_CDN_URL_WINDOW_SECONDS) are the same for everyone within a window and live one to two windows; Cloud CDN keeps an image no longer than one window."
  default     = 300

  validation {
    condition     = var.image_url_window_seconds >= 60 && var.image_url_window_seconds <= 3600
    error_message = "image_url_window_seconds is 60 to 3600 (the API refuses other values)."
  }
}

# --- events and functions ------------------------------------------------------------------

variable "functions_enabled" {
  type        = bool
  description = "Create the Cloud Functions, their triggers and the sweep schedule (needs the staged source, see terraform/README.md)."
  default     = true
}

variable "functions_source_dir" {
  type        = string
  description = "Directory, relative to the repository root, zipped as the functions' source (staged by terraform/scripts/stage-functions.sh)."
  default     = "terraform/.build/functions"
}

variable "function_max_instances" {
  type        = number
  description = "Instance ceiling of each function (each instance holds at most 2 database connections)."
  default     = 3
}

# --- mail ----------------------------------------------------------------------------------

variable "smtp_host" {
  type        = string
  description = "SMTP relay the mail function submits to (SMTP_HOST): SendGrid (smtp.sendgrid.net), Mailgun (smtp.mailgun.org) or the school's own server. Port 25 is closed to Cloud Run and Cloud Functions."

  validation {
    condition     = length(trimspace(var.smtp_host)) > 0
    error_message = "smtp_host is required: mail needs a relay in the cloud."
  }
}

variable "smtp_port" {
  type        = number
  description = "Port of the relay (SMTP_PORT): 587 with smtp_tls = starttls, 465 with tls."
  default     = 587

  validation {
    condition     = var.smtp_port != 25
    error_message = "Port 25 is blocked for outbound traffic from Cloud Run and Cloud Functions: use 587 (starttls) or 465 (tls)."
  }
}

variable "smtp_tls" {
  type        = string
  description = "SMTP_TLS: starttls (the relay must offer STARTTLS, usually on 587) or tls (TLS from the first byte, usually 465). Mail is never sent unencrypted."
  default     = "starttls"

  validation {
    condition     = contains(["starttls", "tls"], var.smtp_tls)
    error_message = "smtp_tls is starttls or tls."
  }
}

variable "smtp_username" {
  type        = string
  description = "Login at the relay (SMTP_USERNAME; SendGrid's is apikey). Its password is the secret smtp-password, added outside Terraform."
}

variable "mail_from" {
  type        = string
  description = "From address of every mail (MAIL_FROM), e.g. \"Quad <no-reply@quad.example>\": a domain the relay may send for (SPF, DKIM)."
}

variable "web_base_url" {
  type        = string
  description = "Address of the web app that links in mails lead to (WEB_BASE_URL), e.g. https://quad.example: {web_base_url}/verify-email?token=..."

  validation {
    condition     = startswith(var.web_base_url, "https://")
    error_message = "web_base_url is an https:// address: a link with a token must not travel in the clear."
  }
}

variable "outbox_sweep_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the outbox sweep."
  default     = "*/5 * * * *"
}

# --- analytics -----------------------------------------------------------------------------

variable "analytics_schema_dir" {
  type        = string
  description = "Directory, relative to the repository root, of the BigQuery table schema files (one table per NAME.json)."
  default     = "dags/schemas"
}

variable "analytics_tables_file" {
  type        = string
  description = "JSON file, relative to the repository root, of the tables' settings by name: description, partition_field, partition_type, clustering, require_partition_filter."
  default     = "dags/tables.json"
}

variable "composer_enabled" {
  type        = bool
  description = "Create the Composer 3 environment that runs the analytics DAGs (a standing cost, see terraform/README.md)."
  default     = true
}

variable "composer_image_version" {
  type        = string
  description = "Composer 3 image; its Airflow must match the DAGs' tested version."
  default     = "composer-3-airflow-3.1.7-build.12"
}

variable "composer_environment_size" {
  type        = string
  description = "ENVIRONMENT_SIZE_SMALL, _MEDIUM or _LARGE."
  default     = "ENVIRONMENT_SIZE_SMALL"
}

variable "composer_resilience_mode" {
  type        = string
  description = "STANDARD_RESILIENCE or HIGH_RESILIENCE."
  default     = "STANDARD_RESILIENCE"
}

variable "composer_pypi_packages" {
  type        = map(string)
  description = "PyPI packages the DAGs and the infra package need beyond the Composer image: name => extras and version specifier."
  default = {
    "cloud-sql-python-connector" = "[pg8000]>=1.18"
    "pydantic-settings"          = ">=2.10"
  }
}

variable "analytics_db_connections" {
  type        = number
  description = "Connections the analytics DAGs may hold at once, their share of the connection budget (the DAG runs one task at a time with one connection; the rest covers manual task runs)."
  default     = 4
}

variable "analytics_readers" {
  type        = list(string)
  description = "The only members (group:analysts@example.com) that may read the analytics dataset: roles/bigquery.dataViewer on it is authoritative, so anyone else holding it there loses it (nobody reads it when empty)."
  default     = []
}

# --- alerts and cost -----------------------------------------------------------------------

variable "alert_emails" {
  type        = list(string)
  description = "E-mail addresses that receive alerts and budget notifications."
}

variable "billing_account" {
  type        = string
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) the project is billed to; the budget is set on it."
}

variable "budget_amount" {
  type        = number
  description = "Monthly budget for the project, in whole units of budget_currency."
}

variable "budget_currency" {
  type        = string
  description = "Currency of the budget; must be the billing account's currency."
  default     = "USD"
}
