# Analytics: the BigQuery dataset with one table per dags/schemas/*.json file, the staging
# bucket of the loads, and the Composer 3 environment that runs the DAGs.

locals {
  # Table settings (description, partitioning, clustering, partition filter) live next to
  # the schema files, in the DAGs' own tables.json, so the DAGs and Terraform agree. The
  # bigquery module checks at plan that every column named there is in the schema file.
  analytics_tables_file = "${local.repo_root}/${var.analytics_tables_file}"
  analytics_tables      = jsondecode(fileexists(local.analytics_tables_file) ? file(local.analytics_tables_file) : "{}")

  # The DAGs' settings (infra/settings.py), as Composer environment variables.
  composer_env = {
    CLOUD_SQL_INSTANCE   = module.cloud_sql.connection_name
    DB_USER              = module.cloud_sql.iam_user_names["composer"]
    DB_NAME              = module.cloud_sql.database_name
    DB_IAM_AUTH          = "true"
    DB_IP_TYPE           = "private"
    GOOGLE_CLOUD_PROJECT = var.project_id
    ENVIRONMENT          = var.environment
    LOG_LEVEL            = var.log_level
    # One connection per task process (the DAG runs one task at a time).
    DB_POOL_SIZE             = "1"
    DB_MAX_OVERFLOW          = "0"
    WAREHOUSE_BACKEND        = "bigquery"
    BIGQUERY_PROJECT         = var.project_id
    BIGQUERY_DATASET         = module.analytics.dataset_id
    BIGQUERY_LOCATION        = var.region
    ANALYTICS_STAGING_BUCKET = module.analytics_staging_bucket.name
    # Composer cannot set an environment variable from Secret Manager, and the key must
    # never be in Terraform state: the DAGs read this version of the secret themselves
    # (infra/settings.py reads it when ANALYTICS_PSEUDONYM_KEY is unset).
    ANALYTICS_PSEUDONYM_KEY_SECRET = "${module.secrets.ids["analytics-pseudonym-key"]}/versions/latest"
  }
}

module "analytics" {
  source      = "../bigquery"
  project_id  = module.services.project_id
  dataset_id  = "quad_analytics"
  description = "Quad activity for analysts: partitioned facts and daily marts, pseudonymous, no free text."
  location    = var.region
  schema_dir  = "${local.repo_root}/${var.analytics_schema_dir}"
  tables      = local.analytics_tables
  labels      = local.labels
  # Authoritative: the DAGs are the only writers and analytics_readers the only readers (none
  # when empty). That also drops BigQuery's default projectWriters/projectReaders entries:
  # the project's editors and viewers, roles nobody holds here.
  iam = {
    "roles/bigquery.dataEditor" = [local.member.composer]
    "roles/bigquery.dataViewer" = var.analytics_readers
  }

  depends_on = [module.service_accounts]
}

module "analytics_staging_bucket" {
  source     = "../gcs-bucket"
  project_id = module.services.project_id
  name       = local.bucket.analytics_staging
  location   = var.region
  labels     = local.labels
  # Extracts are loaded into BigQuery the same day; a week covers reruns.
  lifecycle_rules = [
    { action = "Delete", age = 7 },
    { action = "Delete", days_since_noncurrent_time = 1, with_state = "ARCHIVED" },
  ]
  # Authoritative: only the DAGs stage extracts (BigQuery load jobs read them as the DAGs).
  iam = {
    "roles/storage.objectUser" = [local.member.composer]
  }

  depends_on = [module.service_accounts]
}

module "composer_bucket" {
  source     = "../gcs-bucket"
  count      = var.composer_enabled ? 1 : 0
  project_id = module.services.project_id
  name       = local.bucket.composer
  location   = var.region
  labels     = local.labels
  lifecycle_rules = [
    { action = "Delete", days_since_noncurrent_time = 7, with_state = "ARCHIVED" },
  ]
  # Additive: Composer runs its environment from this bucket, and an authoritative role here
  # could revoke a grant Composer makes on it for itself.
  iam_bindings_additive = {
    composer = { role = "roles/storage.objectAdmin", member = local.member.composer }
    # Cloud Build syncs dags/ and the infra package into it.
    deployer = { role = "roles/storage.objectUser", member = local.member.deployer }
  }

  depends_on = [module.service_accounts]
}

module "composer" {
  source                = "../composer"
  count                 = var.composer_enabled ? 1 : 0
  project_id            = module.services.project_id
  region                = var.region
  name                  = "quad-analytics"
  image_version         = var.composer_image_version
  environment_size      = var.composer_environment_size
  resilience_mode       = var.composer_resilience_mode
  service_account_email = local.sa.composer
  bucket_name           = module.composer_bucket[0].name
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  env_variables         = local.composer_env
  pypi_packages         = var.composer_pypi_packages
  labels                = local.labels

  # Not on module.cloud_sql: its settings already wait for the instance's outputs, and the
  # Composer database user fails on a first apply (its role comes from the migration).
  depends_on = [module.service_accounts, module.secrets]
}
