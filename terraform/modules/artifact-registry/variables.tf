variable "project_id" {
  type        = string
  description = "Project of the repository."
}

variable "region" {
  type        = string
  description = "Location of the repository (the region Cloud Run runs in)."
}

variable "name" {
  type        = string
  description = "Repository id."
}

variable "description" {
  type        = string
  description = "What the repository holds."
  default     = "Container images built by Cloud Build"
}

variable "immutable_tags" {
  type        = bool
  description = "Refuse to move a tag once pushed (true for images tagged with their commit; false for writers that re-tag, such as Cloud Functions builds)."
  default     = true
}

variable "keep_recent_versions" {
  type        = number
  description = "Newest image versions kept whatever their age (rollback targets)."
  default     = 20
}

variable "delete_older_than_days" {
  type        = number
  description = "Versions older than this many days are deleted unless among the newest kept."
  default     = 90
}

variable "iam" {
  type        = map(list(string))
  description = "Roles on the repository: role => members (e.g. roles/artifactregistry.writer for the deployer)."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the repository."
  default     = {}
}
