# What identifies this installation of an environment: set in terraform.tfvars. The
# environment's shape (sizes, protection, what is switched on) is in main.tf. dev and prod
# share this file (tests/terraform checks it).

variable "project_id" {
  type        = string
  description = "Project the environment lives in (one project per environment)."
}

variable "region" {
  type        = string
  description = "Region of every regional resource."
}

variable "terraform_state_bucket" {
  type        = string
  description = "Bucket of this environment's Terraform state: the same as in backend.hcl (Cloud Build's plan reads it)."
}

variable "web_origins" {
  type        = list(string)
  description = "Web origins of the web app (https://quad.example): their pages may call the API (CORS_ALLOWED_ORIGINS) and PUT files to the upload bucket with signed URLs (the bucket's CORS)."
}

variable "edge_domain" {
  type        = string
  description = "Host name of the API behind the edge load balancer (api.quad.example); null: no load balancer, the API answers on its run.app URL. terraform/README.md: the first apply with a domain."
  default     = null
}

variable "smtp_host" {
  type        = string
  description = "SMTP relay mail is submitted to: SendGrid, Mailgun or the school's own server (port 25 is closed to Cloud Run)."
}

variable "smtp_port" {
  type        = number
  description = "Port of the relay: 587 with STARTTLS, 465 with smtp_tls = tls."
  default     = 587
}

variable "smtp_tls" {
  type        = string
  description = "starttls or tls (from the first byte); never unencrypted."
  default     = "starttls"
}

variable "smtp_username" {
  type        = string
  description = "Login at the relay; its password is the secret smtp-password."
}

variable "mail_from" {
  type        = string
  description = "From address of every mail; the relay must be allowed to send for its domain."
}

variable "web_base_url" {
  type        = string
  description = "https:// address of the web app that links in mails lead to."
}

variable "analytics_readers" {
  type        = list(string)
  description = "The only members (group:analysts@example.com) that may read the analytics dataset: roles/bigquery.dataViewer on it is authoritative, so anyone else holding it there loses it (nobody reads it when empty)."
  default     = []
}

variable "alert_emails" {
  type        = list(string)
  description = "E-mail addresses that receive alerts and budget notifications."
}

variable "billing_account" {
  type        = string
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) the project is billed to; the budget is set on it."
}

variable "budget_amount" {
  type        = number
  description = "Monthly budget for the project, in whole units of budget_currency."
}

variable "budget_currency" {
  type        = string
  description = "Currency of the budget; must be the billing account's currency."
  default     = "USD"
}
