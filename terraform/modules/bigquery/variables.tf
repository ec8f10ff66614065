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
  description = "Roles on the dataset: role => members (e.g. roles/bigquery.dataViewer for analysts)."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the dataset and tables."
  default     = {}
}
