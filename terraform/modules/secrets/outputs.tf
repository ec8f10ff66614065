output "ids" {
  description = "Resource id (projects/P/secrets/NAME) of each secret by name."
  value       = { for name, secret in google_secret_manager_secret.this : name => secret.id }
}

output "names" {
  description = "Secret id of each secret by name (what Cloud Run's secret_key_ref takes)."
  value       = { for name, secret in google_secret_manager_secret.this : name => secret.secret_id }
}
