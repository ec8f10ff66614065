# Everything the platform module reports (dev and prod share this file).

output "api_url" {
  description = "URL of the API service."
  value       = module.platform.api_url
}

output "api_service" {
  description = "Cloud Run service of the API (cloudbuild.yaml _SERVICE)."
  value       = module.platform.api_service
}

output "migrate_job" {
  description = "Cloud Run job that runs the migrations (cloudbuild.yaml _MIGRATE_JOB)."
  value       = module.platform.migrate_job
}

output "image_repository" {
  description = "Artifact Registry path the API images are pushed to (cloudbuild.yaml _REPOSITORY is its last part)."
  value       = module.platform.image_repository
}

output "cloud_sql_connection_name" {
  description = "The instance's connection name (CLOUD_SQL_INSTANCE)."
  value       = module.platform.cloud_sql_connection_name
}

output "database_users" {
  description = "IAM database user of each workload (DB_USER)."
  value       = module.platform.database_users
}

output "connection_budget" {
  description = "Database connections each client may hold at its ceiling, and the total (must stay under max_connections)."
  value       = module.platform.connection_budget
}

output "service_accounts" {
  description = "Email of every workload's service account."
  value       = module.platform.service_accounts
}

output "deployer_service_account" {
  description = "Service account to run the Cloud Build trigger as."
  value       = module.platform.deployer_service_account
}

output "topics" {
  description = "Pub/Sub topic ids by name."
  value       = module.platform.topics
}

output "upload_bucket" {
  description = "Bucket browsers upload to with signed URLs (UPLOAD_BUCKET)."
  value       = module.platform.upload_bucket
}

output "functions_source_bucket" {
  description = "Bucket of the functions' source archives (cloudbuild.yaml _FUNCTIONS_SOURCE_BUCKET)."
  value       = module.platform.functions_source_bucket
}

output "functions" {
  description = "Deployed function names (cloudbuild.yaml _FUNCTIONS), empty while functions are off."
  value       = module.platform.functions
}

output "analytics_dataset" {
  description = "BigQuery dataset of the analytics tables."
  value       = module.platform.analytics_dataset
}

output "analytics_tables" {
  description = "Analytics table resource ids by name (one per schema file)."
  value       = module.platform.analytics_tables
}

output "analytics_staging_bucket" {
  description = "Staging bucket of the analytics loads."
  value       = module.platform.analytics_staging_bucket
}

output "composer_bucket" {
  description = "Composer environment bucket (cloudbuild.yaml _COMPOSER_BUCKET), or null while Composer is off."
  value       = module.platform.composer_bucket
}

output "airflow_uri" {
  description = "Airflow web UI of the Composer environment, or null while Composer is off."
  value       = module.platform.airflow_uri
}

output "edge_address" {
  description = "IPv4 address of the edge load balancer (the domain's DNS A record), or null without the edge."
  value       = module.platform.edge_address
}

output "edge_url" {
  description = "The API's https:// URL through the edge, or null without it."
  value       = module.platform.edge_url
}

output "edge_certificate" {
  description = "Name of the edge's Google-managed certificate (wait for ACTIVE after the DNS record), or null."
  value       = module.platform.edge_certificate
}

output "images_backend_bucket" {
  description = "The edge's Cloud CDN backend bucket of the images, which gets the signed URL key image_cdn_key_name, or null."
  value       = module.platform.images_backend_bucket
}
