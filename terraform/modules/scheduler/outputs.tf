output "ids" {
  description = "Job resource id by name."
  value       = { for name, job in google_cloud_scheduler_job.this : name => job.id }
}
