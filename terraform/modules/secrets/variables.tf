variable "project_id" {
  type        = string
  description = "Project of the secrets."
}

variable "secrets" {
  type = map(object({
    description = string
    iam         = optional(map(list(string)), {})
    iam_bindings_additive = optional(map(object({
      role   = string
      member = string
    })), {})
  }))
  description = "Secrets by id: what each holds and roles on that secret only. iam is authoritative, role => members (google_secret_manager_secret_iam_binding: each listed role has exactly these members, e.g. roles/secretmanager.secretAccessor = the one workload that reads it); iam_bindings_additive is additive, key => {role, member} (google_secret_manager_secret_iam_member), a role in one of the two only."
  nullable    = false

  validation {
    condition = alltrue([
      for s in values(var.secrets) : alltrue([for b in values(s.iam_bindings_additive) : !contains(keys(s.iam), b.role)])
    ])
    error_message = "A role in a secret's iam is authoritative: it would revoke the same role granted by its iam_bindings_additive. Put each role in one of the two."
  }
}

variable "replica_locations" {
  type        = list(string)
  description = "Regions the secret payloads are stored in (user-managed replication keeps them in-country)."
}

variable "labels" {
  type        = map(string)
  description = "Labels on every secret."
  default     = {}
}
