# A Cloud Composer 3 environment for the analytics DAGs: private (no public IPs for its
# components), attached to the VPC (to reach Cloud SQL's private IP), running as its own
# service account, with its bucket given (so DAG sync permissions are on that bucket only).

resource "google_composer_environment" "this" {
  project = var.project_id
  name    = var.name
  region  = var.region
  labels  = var.labels

  storage_config {
    bucket = var.bucket_name
  }

  config {
    environment_size           = var.environment_size
    resilience_mode            = var.resilience_mode
    enable_private_environment = true

    software_config {
      image_version            = var.image_version
      env_variables            = var.env_variables
      pypi_packages            = var.pypi_packages
      airflow_config_overrides = var.airflow_config_overrides
    }

    node_config {
      service_account = var.service_account_email
      network         = var.network_id
      subnetwork      = var.subnet_id
    }
  }
}
