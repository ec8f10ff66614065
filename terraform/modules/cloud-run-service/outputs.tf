output "name" {
  description = "Service name."
  value       = google_cloud_run_v2_service.this.name
}

output "id" {
  description = "Service resource id."
  value       = google_cloud_run_v2_service.this.id
}

output "uri" {
  description = "The service's https URL."
  value       = google_cloud_run_v2_service.this.uri
}

output "host" {
  description = "Host name of the service URL (for the uptime check)."
  value       = trimprefix(google_cloud_run_v2_service.this.uri, "https://")
}
