variable "project_id" {
  type        = string
  description = "Project of the service."
}

variable "region" {
  type        = string
  description = "Region of the service."
}

variable "name" {
  type        = string
  description = "Service name."
}

variable "description" {
  type        = string
  description = "What the service is."
  default     = ""
}

variable "image" {
  type        = string
  description = "Image of the first revision only; later revisions come from Cloud Build (the image is ignored after creation)."
}

variable "service_account_email" {
  type        = string
  description = "The service's own service account."
}

variable "ingress" {
  type        = string
  description = "INGRESS_TRAFFIC_ALL (a public API), INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  default     = "INGRESS_TRAFFIC_ALL"
}

variable "public" {
  type        = bool
  description = "Serve unauthenticated requests (the app checks its own JWTs); false requires roles/run.invoker."
  default     = false
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the service in Terraform."
  default     = true
}

variable "container_port" {
  type        = number
  description = "Port the container listens on (Cloud Run passes it as $PORT)."
  default     = 8080
}

variable "cpu" {
  type        = string
  description = "vCPUs per instance, e.g. \"1\" or \"2\"."
}

variable "memory" {
  type        = string
  description = "Memory per instance, e.g. \"512Mi\" or \"1Gi\"."
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm (0 scales to zero)."
}

variable "max_instances" {
  type        = number
  description = "Instance ceiling; with the per-instance pool it bounds the database connections."
}

variable "concurrency" {
  type        = number
  description = "Requests one instance serves at once."
}

variable "request_timeout_seconds" {
  type        = number
  description = "Request timeout."
  default     = 30
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

variable "startup_probe_path" {
  type        = string
  description = "HTTP path of the startup probe (readiness: the database answers)."
  default     = "/readyz"
}

variable "liveness_probe_path" {
  type        = string
  description = "HTTP path of the liveness probe (the process answers)."
  default     = "/healthz"
}

variable "labels" {
  type        = map(string)
  description = "Labels on the service and its revisions."
  default     = {}
}
