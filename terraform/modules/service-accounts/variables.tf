variable "project_id" {
  type        = string
  description = "Project that owns the service accounts."
}

variable "accounts" {
  type = map(object({
    display_name  = string
    description   = string
    project_roles = optional(list(string), [])
    iam           = optional(map(list(string)), {})
    iam_bindings_additive = optional(map(object({
      role   = string
      member = string
    })), {})
  }))
  description = "Service accounts by account id (6-30 characters): a display name, what the account is for, its project-level roles (additive, google_project_iam_member), and roles on the account itself. iam is authoritative, role => members (google_service_account_iam_binding: each listed role has exactly these members, e.g. roles/iam.serviceAccountUser = the deployer); iam_bindings_additive is additive, key => {role, member} (google_service_account_iam_member), for an account whose policy a Google service also edits; a role in one of the two only."
  nullable    = false

  validation {
    condition     = alltrue([for name, _ in var.accounts : can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", name))])
    error_message = "Account ids are 6-30 lowercase letters, digits and hyphens, starting with a letter."
  }

  validation {
    # Basic (primitive) roles grant far more than any workload needs.
    condition = alltrue(flatten([
      for account in values(var.accounts) : [
        for role in concat(account.project_roles, keys(account.iam), [for b in values(account.iam_bindings_additive) : b.role]) :
        !can(regex("^roles/(owner|editor|viewer)$", role))
      ]
    ]))
    error_message = "Basic roles (owner, editor, viewer) are not allowed; grant predefined roles."
  }

  validation {
    condition = alltrue([
      for a in values(var.accounts) : alltrue([for b in values(a.iam_bindings_additive) : !contains(keys(a.iam), b.role)])
    ])
    error_message = "A role in an account's iam is authoritative: it would revoke the same role granted by its iam_bindings_additive. Put each role in one of the two."
  }
}
