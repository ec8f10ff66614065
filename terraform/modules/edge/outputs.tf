output "address" {
  description = "The load balancer's IPv4 address: the domain's DNS A record."
  value       = google_compute_global_address.this.address
}

output "url" {
  description = "https:// URL of the API through the load balancer."
  value       = "https://${var.domain}"
}

output "certificate" {
  description = "Name of the Google-managed certificate (gcloud compute ssl-certificates describe NAME --global shows its status)."
  value       = google_compute_managed_ssl_certificate.this.name
}

output "security_policy" {
  description = "Name of the Cloud Armor policy on the API's backend service."
  value       = google_compute_security_policy.api.name
}

output "backend_service" {
  description = "Name of the API's backend service."
  value       = google_compute_backend_service.api.name
}

output "images_backend_bucket" {
  description = "Name of the Cloud CDN backend bucket of the images (its signed URL keys are added with gcloud), or null."
  value       = local.images ? google_compute_backend_bucket.images[0].name : null
}
