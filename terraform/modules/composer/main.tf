# A Cloud Composer 3 environment for the analytics DAGs: private (its Airflow components
# have no internet access), attached to the VPC (to reach Cloud SQL's private IP), running
# as its own service account, with its bucket given (so DAG sync permissions are on that
# bucket only). The builds that install extra PyPI packages may still reach PyPI unless
# private_builds_only is set (then packages must come from Artifact Registry).

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
    enable_private_builds_only = var.private_builds_only

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
