output "network_id" {
  description = "Id of the VPC (projects/P/global/networks/NAME)."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Name of the VPC."
  value       = google_compute_network.this.name
}

output "subnet_id" {
  description = "Id of the regional subnet that serverless workloads attach to."
  value       = google_compute_subnetwork.this.id
}

output "subnet_name" {
  description = "Name of the regional subnet."
  value       = google_compute_subnetwork.this.name
}

output "private_services_network_id" {
  description = "The VPC id, available only once private services access is connected: give this to Cloud SQL."
  value       = google_compute_network.this.id
  depends_on  = [google_service_networking_connection.private_services]
}
