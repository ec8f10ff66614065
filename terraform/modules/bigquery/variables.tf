variable "project_id" {
  type        = string
  description = "Project of the dataset."
}

variable "dataset_id" {
  type        = string
  description = "Dataset id."
}

variable "description" {
  type        = string
  description = "What the dataset holds."
}

variable "location" {
  type        = string
  description = "Dataset location (the region, to keep data in-country)."
}

variable "schema_dir" {
  type        = string
  description = "Folder of table schema files: one table per NAME.json (BigQuery JSON schema, a list of fields). A missing or empty folder creates only the dataset."
}

variable "tables" {
  type = map(object({
    description              = optional(string, "")
    partition_field          = optional(string)
    partition_type           = optional(string, "DAY")
    clustering               = optional(list(string), [])
    require_partition_filter = optional(bool, true)
  }))
  description = "Settings per table (by schema file name without .json): description, partition column (daily unless partition_type says otherwise; queries must filter on it unless require_partition_filter is false) and clustering columns. A table without settings is unpartitioned."
  default     = {}

  validation {
    condition     = alltrue([for t in values(var.tables) : contains(["HOUR", "DAY", "MONTH", "YEAR"], t.partition_type)])
    error_message = "partition_type is HOUR, DAY, MONTH or YEAR."
  }

  validation {
    condition     = alltrue([for t in values(var.tables) : length(t.clustering) <= 4])
    error_message = "BigQuery clusters by at most four columns."
  }
}

variable "iam" {
  type        = map(list(string))
  description = "Authoritative roles on the dataset, role => members (google_bigquery_dataset_iam_binding): each listed role has exactly these members, anyone else holding it on the dataset loses it, BigQuery's projectWriters/projectReaders groups included (e.g. roles/bigquery.dataViewer = the analysts; an empty list means nobody)."
  default     = {}
  nullable    = false
}

variable "iam_bindings_additive" {
  type = map(object({
    role   = string
    member = string
  }))
  description = "Additive roles on the dataset, key => {role, member} (google_bigquery_dataset_iam_member): grants one member and leaves other holders of the role alone. Keys are arbitrary and must be known at plan; a role is either here or in iam, never both."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for b in values(var.iam_bindings_additive) : !contains(keys(var.iam), b.role)])
    error_message = "A role in iam is authoritative: it would revoke the same role granted by iam_bindings_additive. Put each role in one of the two."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels on the dataset and tables."
  default     = {}
}
