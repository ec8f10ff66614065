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
  }))
  description = "Service accounts by account id (6-30 characters): a display name, what the account is for, its project-level roles, and roles on the account itself (role => members)."

  validation {
    condition     = alltrue([for name, _ in var.accounts : can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", name))])
    error_message = "Account ids are 6-30 lowercase letters, digits and hyphens, starting with a letter."
  }

  validation {
    # Basic (primitive) roles grant far more than any workload needs.
    condition = alltrue(flatten([
      for account in values(var.accounts) : [
        for role in concat(account.project_roles, keys(account.iam)) :
        !can(regex("^roles/(owner|editor|viewer)$", role))
      ]
    ]))
    error_message = "Basic roles (owner, editor, viewer) are not allowed; grant predefined roles."
  }
}
