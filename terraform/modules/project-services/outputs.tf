output "project_id" {
  description = "The project id, available once every API is enabled (depend on this, not on the variable)."
  value       = var.project_id
  depends_on  = [google_project_service.this]
}

output "project_number" {
  description = "The project number (service agent emails are built from it)."
  value       = data.google_project.this.number
}

output "services" {
  description = "The enabled API names."
  value       = sort([for s in google_project_service.this : s.service])
}
