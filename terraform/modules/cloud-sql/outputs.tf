output "instance_name" {
  description = "Instance name."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "Connection name project:region:instance (the app's CLOUD_SQL_INSTANCE)."
  value       = google_sql_database_instance.this.connection_name
}

output "database_id" {
  description = "Monitoring id of the instance (project:instance), used in metric filters."
  value       = "${var.project_id}:${google_sql_database_instance.this.name}"
}

output "private_ip_address" {
  description = "The instance's private IP address."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_name" {
  description = "Name of the application database."
  value       = google_sql_database.this.name
}

output "iam_user_names" {
  description = "Database user name of each IAM user by key (the app's DB_USER)."
  value       = local.iam_user_names
}
