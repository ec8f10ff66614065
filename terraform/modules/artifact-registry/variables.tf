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
  description = "Authoritative roles on the repository, role => members (google_artifact_registry_repository_iam_binding): each listed role has exactly these members, anyone else holding it on the repository loses it (e.g. roles/artifactregistry.writer = the one account that pushes)."
  default     = {}
  nullable    = false
}

variable "iam_bindings_additive" {
  type = map(object({
    role   = string
    member = string
  }))
  description = "Additive roles on the repository, key => {role, member} (google_artifact_registry_repository_iam_member): grants one member and leaves other holders of the role alone. Keys are arbitrary and must be known at plan; a role is either here or in iam, never both."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for b in values(var.iam_bindings_additive) : !contains(keys(var.iam), b.role)])
    error_message = "A role in iam is authoritative: it would revoke the same role granted by iam_bindings_additive. Put each role in one of the two."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels on the repository."
  default     = {}
}
