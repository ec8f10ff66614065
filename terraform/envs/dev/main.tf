# The dev environment: small and cheap, scales to zero, easy to tear down. Everything is
# composed in ../../modules/platform; this file only says how dev differs. Values that
# identify the installation (project, billing account, addresses) are in terraform.tfvars.

module "platform" {
  source = "../../modules/platform"

  project_id             = var.project_id
  region                 = var.region
  environment            = "dev"
  terraform_state_bucket = var.terraform_state_bucket

  # API: 1 vCPU, one uvicorn worker, scales to zero, up to 3 instances.
  api_cpu           = "1"
  api_memory        = "512Mi"
  api_workers       = 1
  api_concurrency   = 20
  api_min_instances = 0
  api_max_instances = 3

  # Memory: 1 worker x (200 MiB baseline + 64 MiB of password hashing,
  # 3 hashes of 19 MiB at once) = 264 <= 512 MiB.
  api_password_hash_memory_budget_mib = 64

  # Cloud SQL: 1 vCPU / 3.75 GB, single zone, deletable. Connection budget:
  # reserved 15 + API 7x1x3=21 + migrate 7 + functions 2x6x3=36 + analytics 4 = 83 <= 100.
  db_tier              = "db-custom-1-3840"
  db_availability_type = "ZONAL"
  db_disk_size_gb      = 20
  db_max_connections   = 100
  deletion_protection  = false

  web_origins = var.web_origins

  # No load balancer in dev unless edge_domain is set in terraform.tfvars (then no Cloud
  # CDN images until a key is added: image_cdn_key_name, terraform/README.md).
  edge_domain        = var.edge_domain
  image_cdn_key_name = null

  # Mail goes through the relay named in terraform.tfvars; its password is the secret
  # smtp-password (terraform/README.md, bootstrap).
  smtp_host     = var.smtp_host
  smtp_port     = var.smtp_port
  smtp_tls      = var.smtp_tls
  smtp_username = var.smtp_username
  mail_from     = var.mail_from
  web_base_url  = var.web_base_url

  # The DAGs are tried here before prod, so dev has its own Composer (the larger part of
  # dev's bill: see budget_amount).
  functions_enabled = true
  composer_enabled  = true
  analytics_readers = var.analytics_readers

  alert_emails    = var.alert_emails
  billing_account = var.billing_account
  budget_amount   = var.budget_amount
  budget_currency = var.budget_currency
}
