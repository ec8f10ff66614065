variable "project_id" {
  type        = string
  description = "Project of the bucket."
}

variable "name" {
  type        = string
  description = "Globally unique bucket name (prefix it with the project id)."
}

variable "location" {
  type        = string
  description = "Bucket location (a region, to keep data next to the workloads)."
}

variable "storage_class" {
  type        = string
  description = "Default storage class."
  default     = "STANDARD"
}

variable "versioning" {
  type        = bool
  description = "Keep noncurrent versions of overwritten or deleted objects (pair with a lifecycle rule that deletes them)."
  default     = true
}

variable "soft_delete_retention_seconds" {
  type        = number
  description = "How long deleted objects stay restorable (0 turns soft delete off)."
  default     = 604800
}

variable "force_destroy" {
  type        = bool
  description = "Let Terraform delete the bucket while it still has objects."
  default     = false
}

variable "cors" {
  type = list(object({
    origins          = list(string)
    methods          = list(string)
    response_headers = optional(list(string), [])
    max_age_seconds  = optional(number, 3600)
  }))
  description = "CORS rules (for browsers uploading with signed URLs)."
  default     = []
}

variable "lifecycle_rules" {
  type = list(object({
    action                     = string
    storage_class              = optional(string)
    age                        = optional(number)
    matches_prefix             = optional(list(string))
    with_state                 = optional(string)
    days_since_noncurrent_time = optional(number)
    num_newer_versions         = optional(number)
  }))
  description = "Lifecycle rules: an action (Delete, SetStorageClass, AbortIncompleteMultipartUpload) and its conditions."
  default     = []
}

variable "iam" {
  type        = map(list(string))
  description = "Authoritative roles on the bucket, role => members (google_storage_bucket_iam_binding): each listed role has exactly these members, anyone else holding it on the bucket loses it."
  default     = {}
  nullable    = false
}

variable "iam_bindings_additive" {
  type = map(object({
    role   = string
    member = string
  }))
  description = "Additive roles on the bucket, key => {role, member} (google_storage_bucket_iam_member): grants one member and leaves other holders of the role alone. Keys are arbitrary and must be known at plan; a role is either here or in iam, never both."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for b in values(var.iam_bindings_additive) : !contains(keys(var.iam), b.role)])
    error_message = "A role in iam is authoritative: it would revoke the same role granted by iam_bindings_additive. Put each role in one of the two."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels on the bucket."
  default     = {}
}
