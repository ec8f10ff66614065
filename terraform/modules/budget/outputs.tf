output "id" {
  description = "Budget resource id."
  value       = google_billing_budget.this.id
}
