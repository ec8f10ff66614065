output "name" {
  description = "Environment name (the Composer workflow metrics carry it)."
  value       = google_composer_environment.this.name
}

output "dag_gcs_prefix" {
  description = "gs:// folder the DAGs are synced to."
  value       = google_composer_environment.this.config[0].dag_gcs_prefix
}

output "airflow_uri" {
  description = "URL of the Airflow web UI."
  value       = google_composer_environment.this.config[0].airflow_uri
}
