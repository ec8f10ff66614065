output "api_url" {
  description = "URL of the API service."
  value       = module.api.uri
}

output "api_service" {
  description = "Cloud Run service of the API (cloudbuild.yaml _SERVICE)."
  value       = module.api.name
}

output "migrate_job" {
  description = "Cloud Run job that runs the migrations (cloudbuild.yaml _MIGRATE_JOB)."
  value       = module.migrate_job.name
}

output "image_repository" {
  description = "Artifact Registry path the API images are pushed to (cloudbuild.yaml _REPOSITORY is its last part)."
  value       = module.artifact_registry.url
}

output "cloud_sql_connection_name" {
  description = "The instance's connection name (CLOUD_SQL_INSTANCE)."
  value       = module.cloud_sql.connection_name
}

output "database_users" {
  description = "IAM database user of each workload (DB_USER)."
  value       = module.cloud_sql.iam_user_names
}

output "connection_budget" {
  description = "Database connections each client may hold at its ceiling, and the total (must stay under max_connections)."
  value       = merge(local.connection_budget, { total = local.connection_budget_total, max_connections = var.db_max_connections })
}

output "service_accounts" {
  description = "Email of every workload's service account."
  value       = module.service_accounts.emails
}

output "deployer_service_account" {
  description = "Service account to run the Cloud Build trigger as."
  value       = local.sa.deployer
}

output "topics" {
  description = "Pub/Sub topic ids by name."
  value       = module.pubsub.topic_ids
}

output "upload_bucket" {
  description = "Bucket browsers upload to with signed URLs (UPLOAD_BUCKET)."
  value       = module.uploads_bucket.name
}

output "functions_source_bucket" {
  description = "Bucket of the functions' source archives (cloudbuild.yaml _FUNCTIONS_SOURCE_BUCKET)."
  value       = module.functions_source_bucket.name
}

output "functions" {
  description = "Deployed function names (cloudbuild.yaml _FUNCTIONS), empty while functions are off."
  value       = module.functions.names
}

output "analytics_dataset" {
  description = "BigQuery dataset of the analytics tables."
  value       = module.analytics.dataset_id
}

output "analytics_tables" {
  description = "Analytics table resource ids by name (one per schema file)."
  value       = module.analytics.table_ids
}

output "analytics_staging_bucket" {
  description = "Staging bucket of the analytics loads."
  value       = module.analytics_staging_bucket.name
}

output "composer_bucket" {
  description = "Composer environment bucket (cloudbuild.yaml _COMPOSER_BUCKET), or null while Composer is off."
  value       = var.composer_enabled ? module.composer_bucket[0].name : null
}

output "airflow_uri" {
  description = "Airflow web UI of the Composer environment, or null while Composer is off."
  value       = var.composer_enabled ? module.composer[0].airflow_uri : null
}

output "edge_address" {
  description = "IPv4 address of the edge load balancer (the domain's DNS A record), or null without the edge."
  value       = local.edge_on ? module.edge[0].address : null
}

output "edge_url" {
  description = "The API's https:// URL through the edge, or null without it."
  value       = local.edge_on ? module.edge[0].url : null
}

output "edge_certificate" {
  description = "Name of the edge's Google-managed certificate (wait for ACTIVE after the DNS record), or null."
  value       = local.edge_on ? module.edge[0].certificate : null
}

output "images_backend_bucket" {
  description = "The edge's Cloud CDN backend bucket of the images, which gets the signed URL key image_cdn_key_name, or null."
  value       = local.edge_on ? module.edge[0].images_backend_bucket : null
}
