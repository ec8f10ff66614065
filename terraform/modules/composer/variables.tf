variable "project_id" {
  type        = string
  description = "Project of the environment."
}

variable "region" {
  type        = string
  description = "Region of the environment."
}

variable "name" {
  type        = string
  description = "Environment name."
}

variable "image_version" {
  type        = string
  description = "Composer 3 image, composer-3-airflow-X.Y.Z-build.N (match the Airflow the DAGs are tested with)."

  validation {
    condition     = startswith(var.image_version, "composer-3-")
    error_message = "This module builds Composer 3 environments: image_version starts with composer-3-."
  }
}

variable "environment_size" {
  type        = string
  description = "ENVIRONMENT_SIZE_SMALL, _MEDIUM or _LARGE (sizes the Airflow database and web server)."
  default     = "ENVIRONMENT_SIZE_SMALL"
}

variable "resilience_mode" {
  type        = string
  description = "STANDARD_RESILIENCE or HIGH_RESILIENCE (multi-zone scheduler and database)."
  default     = "STANDARD_RESILIENCE"
}

variable "service_account_email" {
  type        = string
  description = "The environment's own service account (roles/composer.worker and the analytics roles)."
}

variable "bucket_name" {
  type        = string
  description = "The environment's bucket (DAGs in dags/, created beforehand with the gcs-bucket module)."
}

variable "network_id" {
  type        = string
  description = "VPC id the workers attach to."
}

variable "subnet_id" {
  type        = string
  description = "Subnet id the workers attach to."
}

variable "env_variables" {
  type        = map(string)
  description = "Environment variables of the Airflow components (the DAGs' settings)."
  default     = {}
}

variable "pypi_packages" {
  type        = map(string)
  description = "Extra PyPI packages: name => version specifier (a private environment needs Cloud NAT or a PyPI mirror to install them)."
  default     = {}
}

variable "private_builds_only" {
  type        = bool
  description = "Give the builds that install pypi_packages no internet access (packages then come from an Artifact Registry PyPI repository); false lets them download from PyPI while Airflow itself stays private."
  default     = false
}

variable "airflow_config_overrides" {
  type        = map(string)
  description = "Airflow configuration overrides, section-key => value."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the environment."
  default     = {}
}
