# The analytics dataset and its tables. Every `*.json` file in schema_dir is one table
# named after the file, in BigQuery's JSON schema format (a list of fields, each with a
# description). Settings per table (description, partitioning, clustering) come from
# `tables`; a partitioned table requires a partition filter in every query. Columns named
# by the settings must exist in the schema file (checked at plan). Tables are always
# protected from deletion: they hold history that a rerun of one day cannot rebuild.
# Roles on the dataset: `iam` is authoritative per role, `iam_bindings_additive` adds single
# members (README: which to use, and what BigQuery's own default readers and writers become).

locals {
  # fileset() of a folder that does not exist yet is empty: the dataset alone is created.
  schema_files = {
    for file in fileset(var.schema_dir, "*.json") : trimsuffix(file, ".json") => "${var.schema_dir}/${file}"
  }

  # A table without settings: unpartitioned, unclustered.
  no_settings = {
    description              = ""
    partition_field          = null
    partition_type           = "DAY"
    clustering               = []
    require_partition_filter = true
  }

  tables = {
    for name, path in local.schema_files : name => merge(
      contains(keys(var.tables), name) ? var.tables[name] : local.no_settings,
      {
        schema  = file(path)
        columns = tolist([for field in jsondecode(file(path)) : field.name])
      },
    )
  }
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

# Each listed role has exactly these members on the dataset: whoever else held it loses it,
# including BigQuery's special groups (projectWriters is dataEditor, projectReaders is
# dataViewer on a new dataset).
resource "google_bigquery_dataset_iam_binding" "authoritative" {
  for_each = var.iam

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = each.key
  members    = each.value
}

# One member more in a role; other holders of the role are left alone.
resource "google_bigquery_dataset_iam_member" "bindings" {
  for_each = var.iam_bindings_additive

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = each.value.role
  member     = each.value.member
}

# `iam` used to be additive (google_bigquery_dataset_iam_member.this). Forget those grants
# instead of revoking them: the resources above take them over, and destroying the old ones
# would revoke members the new ones have just granted. Harmless once every environment
# has applied it.
removed {
  from = google_bigquery_dataset_iam_member.this

  lifecycle {
    destroy = false
  }
}

resource "google_bigquery_table" "this" {
  #checkov:skip=CKV_GCP_80:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  for_each = local.tables

  project                  = var.project_id
  dataset_id               = google_bigquery_dataset.this.dataset_id
  table_id                 = each.key
  description              = each.value.description
  schema                   = each.value.schema
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

  lifecycle {
    precondition {
      condition     = each.value.partition_field == null || contains(each.value.columns, coalesce(each.value.partition_field, "-"))
      error_message = "Table ${each.key}: partition column ${coalesce(each.value.partition_field, "-")} is not in its schema file."
    }
    precondition {
      condition     = alltrue([for c in each.value.clustering : contains(each.value.columns, c)])
      error_message = "Table ${each.key}: clustering columns ${join(", ", each.value.clustering)} are not all in its schema file."
    }
  }
}

# Settings for a table without a schema file do nothing: say so (a warning, not an error,
# so the dataset can exist before the schema files do).
check "every_configured_table_has_a_schema_file" {
  assert {
    condition     = length(setsubtract(keys(var.tables), keys(local.schema_files))) == 0
    error_message = "No schema file in ${var.schema_dir} for configured tables: ${join(", ", setsubtract(keys(var.tables), keys(local.schema_files)))}."
  }
}
