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

variable "tables" {
  type = map(object({
    schema_file              = string
    description              = optional(string, "")
    partition_field          = optional(string)
    partition_type           = optional(string, "DAY")
    clustering               = optional(list(string), [])
    require_partition_filter = optional(bool, true)
  }))
  description = "Tables by id: path of the JSON schema file, description, optional partition column (then queries must filter on it) and clustering columns. Empty: no tables."
  default     = {}
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
