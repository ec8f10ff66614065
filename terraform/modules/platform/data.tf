# Cloud SQL (private IP, IAM authentication) with one IAM database user per workload, and
# the Secret Manager secrets with their readers.

module "cloud_sql" {
  source              = "../cloud-sql"
  project_id          = module.services.project_id
  region              = var.region
  name                = "quad"
  tier                = var.db_tier
  availability_type   = var.db_availability_type
  disk_size_gb        = var.db_disk_size_gb
  max_connections     = var.db_max_connections
  deletion_protection = var.deletion_protection
  network_id          = module.network.private_services_network_id
  labels              = local.labels
  iam_users = {
    # The migration job owns the schema: it creates and alters every table.
    migrate = { email = local.sa.migrate, database_roles = ["cloudsqlsuperuser"] }
    # Read-write on data, no DDL.
    api           = { email = local.sa.api, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    fn_uploads    = { email = local.sa.fn_uploads, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    fn_moderation = { email = local.sa.fn_moderation, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    fn_notify     = { email = local.sa.fn_notify, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    fn_decisions  = { email = local.sa.fn_decisions, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    fn_outbox     = { email = local.sa.fn_outbox, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    # Composing a verification mail issues its code (written with the event's claim).
    fn_mail = { email = local.sa.fn_mail, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    # Analytics reads only the columns it extracts: quad_analytics_reader is made by the
    # API's migration 0006 (column grants; no e-mail, password hash, token or free text),
    # so it exists only once the migration job has run (terraform/README.md, bootstrap).
    composer = { email = local.sa.composer, database_roles = ["quad_analytics_reader"] }
  }

  depends_on = [module.service_accounts]
}

# Values are added outside Terraform (terraform/README.md, bootstrap), so no secret is ever
# in Terraform state. Each secret is readable by the one workload that needs it, and by no
# one else: `iam` is authoritative, so an accessor added outside Terraform is revoked.
module "secrets" {
  source            = "../secrets"
  project_id        = module.services.project_id
  replica_locations = [var.region]
  labels            = local.labels
  secrets = {
    "jwt-signing-key" = {
      description = "HS256 key that signs access tokens (the API's JWT_SECRET)."
      iam         = { "roles/secretmanager.secretAccessor" = [local.member.api] }
    }
    "smtp-password" = {
      description = "Password (or API key) of the SMTP relay mail is submitted to (the mail function's SMTP_PASSWORD)."
      iam         = { "roles/secretmanager.secretAccessor" = [local.member.fn_mail] }
    }
    # Made with the environment, used once the edge's images backend bucket has the key
    # (terraform/README.md): the API signs Cloud CDN image URLs with it (IMAGE_CDN_KEY).
    "image-cdn-signing-key" = {
      description = "128-bit key (base64url) of the Cloud CDN signed image URLs; the same value is the edge's backend bucket key image_cdn_key_name."
      iam         = { "roles/secretmanager.secretAccessor" = [local.member.api] }
    }
    "analytics-pseudonym-key" = {
      description = "HMAC key that turns user ids into pseudonyms in BigQuery (read by the DAGs only)."
      iam         = { "roles/secretmanager.secretAccessor" = [local.member.composer] }
    }
  }

  depends_on = [module.service_accounts]
}
