output "dataset_id" {
  description = "Dataset id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "table_ids" {
  description = "Table resource id by table name."
  value       = { for name, table in google_bigquery_table.this : name => table.id }
}
