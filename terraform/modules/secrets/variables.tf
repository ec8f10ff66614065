variable "project_id" {
  type        = string
  description = "Project of the secrets."
}

variable "secrets" {
  type = map(object({
    description = string
    accessors   = optional(list(string), [])
  }))
  description = "Secrets by id: what each holds and the members that may read it (roles/secretmanager.secretAccessor on that secret only)."
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
