# The prod environment: a highly available database, one warm API instance, deletion
# protection on. Everything is composed in ../../modules/platform; this file only says how
# prod differs. Values that identify the installation (project, billing account, addresses)
# are in terraform.tfvars.

module "platform" {
  source = "../../modules/platform"

  project_id             = var.project_id
  region                 = var.region
  environment            = "prod"
  terraform_state_bucket = var.terraform_state_bucket

  # API: 2 vCPU, two uvicorn workers, one warm instance, up to 8.
  api_cpu           = "2"
  api_memory        = "1Gi"
  api_workers       = 2
  api_concurrency   = 40
  api_min_instances = 1
  api_max_instances = 8

  # Memory: 2 workers x (200 MiB baseline + 64 MiB of password hashing,
  # 3 hashes of 19 MiB at once) = 528 <= 1024 MiB.
  api_password_hash_memory_budget_mib = 64

  # Cloud SQL: 2 vCPU / 8 GB with a standby in a second zone, protected from deletion.
  # Connection budget: reserved 15 + API 7x2x8=112 + migrate 7 + functions 2x6x3=36
  # + analytics 4 = 174 <= 200.
  db_tier              = "db-custom-2-8192"
  db_availability_type = "REGIONAL"
  db_disk_size_gb      = 50
  db_max_connections   = 200
  deletion_protection  = true

  web_origins = var.web_origins

  # The edge: the load balancer with Cloud Armor in front of the API, images through Cloud
  # CDN signed with the key images-1 (added to the backend bucket with gcloud and kept in
  # the secret image-cdn-signing-key: terraform/README.md, the first apply with a domain).
  edge_domain        = var.edge_domain
  image_cdn_key_name = "images-1"

  # Mail goes through the relay named in terraform.tfvars; its password is the secret
  # smtp-password (terraform/README.md, bootstrap).
  smtp_host     = var.smtp_host
  smtp_port     = var.smtp_port
  smtp_tls      = var.smtp_tls
  smtp_username = var.smtp_username
  mail_from     = var.mail_from
  web_base_url  = var.web_base_url

  functions_enabled = true
  composer_enabled  = true
  analytics_readers = var.analytics_readers

  alert_emails    = var.alert_emails
  billing_account = var.billing_account
  budget_amount   = var.budget_amount
  budget_currency = var.budget_currency
}
