variable "project_id" {
  type        = string
  description = "Project of the job."
}

variable "region" {
  type        = string
  description = "Region of the job."
}

variable "name" {
  type        = string
  description = "Job name."
}

variable "image" {
  type        = string
  description = "Image at creation only; Cloud Build sets each commit's image before executing the job."
}

variable "command" {
  type        = list(string)
  description = "Entrypoint override, e.g. [\"quad-migrate\"]."
}

variable "args" {
  type        = list(string)
  description = "Arguments to the command."
  default     = []
}

variable "service_account_email" {
  type        = string
  description = "The job's own service account."
}

variable "cpu" {
  type        = string
  description = "vCPUs of the task."
  default     = "1"
}

variable "memory" {
  type        = string
  description = "Memory of the task."
  default     = "512Mi"
}

variable "timeout_seconds" {
  type        = number
  description = "Task timeout."
  default     = 900
}

variable "max_retries" {
  type        = number
  description = "Retries of a failed task (migrations run in transactions, one retry covers a transient failure)."
  default     = 1
}

variable "network_id" {
  type        = string
  description = "VPC id for Direct VPC egress."
}

variable "subnet_id" {
  type        = string
  description = "Subnet id for Direct VPC egress."
}

variable "env" {
  type        = map(string)
  description = "Plain environment variables."
  default     = {}
}

variable "secret_env" {
  type = map(object({
    secret  = string
    version = optional(string, "latest")
  }))
  description = "Environment variables read from Secret Manager: name => secret id and version."
  default     = {}
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the job in Terraform."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels on the job and its executions."
  default     = {}
}
