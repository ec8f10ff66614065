variable "project_id" {
  type        = string
  description = "Project that owns the network."
}

variable "region" {
  type        = string
  description = "Region of the subnet (the region every regional resource uses)."
}

variable "name" {
  type        = string
  description = "Name of the VPC; the subnet, firewall rule and ranges are named after it."
}

variable "subnet_cidr" {
  type        = string
  description = "Primary range of the subnet. Direct VPC egress takes about two addresses per serverless instance: size it for the sum of max instances."

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be a CIDR range such as 10.10.0.0/20."
  }
}

variable "private_services_address" {
  type        = string
  description = "First address of the private services access range (Cloud SQL private IPs come from it)."
}

variable "private_services_prefix_length" {
  type        = number
  description = "Prefix length of the private services access range (/20 leaves room for replicas and other managed services)."
  default     = 20
}

variable "flow_log_sampling" {
  type        = number
  description = "Share of subnet flows recorded in VPC flow logs (0 to 1)."
  default     = 0.5
}

variable "nat_enabled" {
  type        = bool
  description = "Create a Cloud Router and Cloud NAT for internet egress from the subnet."
  default     = false
}
