variable "project_id" {
  type        = string
  description = "Project whose APIs are enabled."
}

variable "services" {
  type        = list(string)
  description = "API service names to enable, e.g. run.googleapis.com."

  validation {
    condition     = alltrue([for s in var.services : endswith(s, ".googleapis.com")])
    error_message = "Every service must be an API name ending in .googleapis.com."
  }
}
