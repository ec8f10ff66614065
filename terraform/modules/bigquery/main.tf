# The analytics dataset and its tables, created from JSON schema files (the BigQuery JSON
# schema format, every column with a description). Partitioned tables require a partition
# filter in queries. With no tables given only the dataset is created.

locals {
  bindings = merge([
    for role, members in var.iam : {
      for member in members : "${role}|${member}" => { role = role, member = member }
    }
  ]...)
}

resource "google_bigquery_dataset" "this" {
  #checkov:skip=CKV_GCP_81:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  project                    = var.project_id
  dataset_id                 = var.dataset_id
  friendly_name              = var.dataset_id
  description                = var.description
  location                   = var.location
  delete_contents_on_destroy = false
  labels                     = var.labels
}

resource "google_bigquery_dataset_iam_member" "this" {
  for_each = local.bindings

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = each.value.role
  member     = each.value.member
}

resource "google_bigquery_table" "this" {
  #checkov:skip=CKV_GCP_80:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  for_each = var.tables

  project                  = var.project_id
  dataset_id               = google_bigquery_dataset.this.dataset_id
  table_id                 = each.key
  description              = each.value.description
  schema                   = file(each.value.schema_file)
  clustering               = length(each.value.clustering) > 0 ? each.value.clustering : null
  require_partition_filter = each.value.partition_field != null ? each.value.require_partition_filter : null
  deletion_protection      = true
  labels                   = var.labels

  dynamic "time_partitioning" {
    for_each = each.value.partition_field == null ? [] : [each.value]
    content {
      type  = time_partitioning.value.partition_type
      field = time_partitioning.value.partition_field
    }
  }
}
