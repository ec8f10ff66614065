# Operations: alerts, the budget, and the Terraform state the Cloud Build deployer may read.

module "monitoring" {
  source              = "../monitoring"
  project_id          = module.services.project_id
  notification_emails = var.alert_emails
  api_service_name    = module.api.name
  # Behind the edge the run.app URL answers nobody outside: check through the load balancer.
  api_host                       = local.edge_on ? var.edge_domain : module.api.host
  security_policy_name           = local.edge_on ? module.edge[0].security_policy : null
  dead_letter_subscriptions      = module.pubsub.dead_letter_subscription_names
  eventarc_subscription_prefixes = module.functions.eventarc_subscription_prefixes
  composer_environment_name      = var.composer_enabled ? module.composer[0].name : null
  sql_database_id                = module.cloud_sql.database_id
  sql_max_connections            = var.db_max_connections
  labels                         = local.labels
}

module "budget" {
  source                   = "../budget"
  billing_account          = var.billing_account
  project_number           = module.services.project_number
  display_name             = "Quad ${var.environment} (${var.project_id})"
  amount                   = var.budget_amount
  currency_code            = var.budget_currency
  notification_channel_ids = slice(module.monitoring.notification_channel_ids, 0, min(5, length(module.monitoring.notification_channel_ids)))
}

# Cloud Build runs `terraform plan -refresh=false` (what an apply of the commit would
# change): it reads the state, never writes it and never takes the lock. The bucket itself
# is made at bootstrap, outside Terraform.
resource "google_storage_bucket_iam_member" "deployer_reads_state" {
  bucket = var.terraform_state_bucket
  role   = "roles/storage.objectViewer"
  member = local.member.deployer

  depends_on = [module.service_accounts]
}
