# The API: its image repository, the Cloud Run service and the migration job (the same
# image with the quad-migrate command). Terraform owns their shape; Cloud Build deploys
# each commit's image into them.

module "artifact_registry" {
  source      = "../artifact-registry"
  project_id  = module.services.project_id
  region      = var.region
  name        = "quad"
  description = "API images built by Cloud Build, tagged with their commit"
  labels      = local.labels
  # Authoritative: Cloud Build is the only one that pushes what the API runs (Cloud Run pulls
  # with its service agent's project role, not a role on the repository).
  iam = {
    "roles/artifactregistry.writer" = [local.member.deployer]
  }

  depends_on = [module.service_accounts]
}

# Cloud Functions builds tag their images (they move `latest`), so they get a repository
# without immutable tags.
module "functions_registry" {
  source         = "../artifact-registry"
  project_id     = module.services.project_id
  region         = var.region
  name           = "quad-functions"
  description    = "Images of the Cloud Functions, built from their source archives"
  immutable_tags = false
  labels         = local.labels
  # Authoritative: the functions' builds, as their builder account, are the only pushers.
  iam = {
    "roles/artifactregistry.writer" = [local.member.fn_builder]
  }

  depends_on = [module.service_accounts]
}

# The API's memory: each worker's baseline and its password-hashing budget, times the
# workers, must fit in the instance (Cloud Run stops an instance that goes over).
locals {
  api_memory_mib = tonumber(regex("^[0-9]+", var.api_memory)) * (endswith(var.api_memory, "Gi") ? 1024 : 1)
  api_memory_budget = {
    workers        = var.api_workers
    baseline_mib   = var.api_worker_baseline_mib
    hashing_mib    = var.api_password_hash_memory_budget_mib
    hashes_at_once = floor(var.api_password_hash_memory_budget_mib * 1024 / var.api_password_hash_memory_kib)
    total_mib      = var.api_workers * (var.api_worker_baseline_mib + var.api_password_hash_memory_budget_mib)
    instance_mib   = local.api_memory_mib
  }
}

resource "terraform_data" "api_memory_budget" {
  input = local.api_memory_budget

  lifecycle {
    precondition {
      condition     = local.api_memory_budget.total_mib <= local.api_memory_mib
      error_message = "API memory ${local.api_memory_budget.total_mib} MiB (${jsonencode(local.api_memory_budget)}) exceeds api_memory ${var.api_memory}: lower api_password_hash_memory_budget_mib or api_workers, or raise api_memory."
    }
  }
}

module "api" {
  source                = "../cloud-run-service"
  project_id            = module.services.project_id
  region                = var.region
  name                  = local.api_service_name
  description           = "Quad HTTP API"
  image                 = var.api_image
  service_account_email = local.sa.api
  public                = true
  # Behind the edge, only the load balancer reaches the service: nobody goes around
  # Cloud Armor through the run.app URL.
  ingress             = local.api_ingress
  deletion_protection = var.deletion_protection
  cpu                 = var.api_cpu
  memory              = var.api_memory
  min_instances       = var.api_min_instances
  max_instances       = var.api_max_instances
  concurrency         = var.api_concurrency
  network_id          = module.network.network_id
  subnet_id           = module.network.subnet_id
  labels              = local.labels
  # PORT is set by Cloud Run itself.
  env = merge(local.db_env, local.storage_env, local.image_cdn_env, {
    DB_USER         = module.cloud_sql.iam_user_names["api"]
    DB_POOL_SIZE    = tostring(var.db_pool_size)
    DB_MAX_OVERFLOW = tostring(var.db_max_overflow)
    WEB_CONCURRENCY = tostring(var.api_workers)
    HOST            = "0.0.0.0"
    # The socket peer is Google's, shared by every caller: the client is in X-Forwarded-For,
    # 1 or 2 entries from the right without or with the edge (edge.tf says why).
    TRUSTED_PROXY_HOPS = tostring(local.trusted_proxy_hops)
    # The web app's pages call the API from these origins.
    CORS_ALLOWED_ORIGINS = join(",", var.web_origins)
    # Password hashing: its parameters and the memory each worker may spend on it.
    PASSWORD_HASH_MEMORY_KIB        = tostring(var.api_password_hash_memory_kib)
    PASSWORD_HASH_TIME_COST         = tostring(var.api_password_hash_time_cost)
    PASSWORD_HASH_PARALLELISM       = tostring(var.api_password_hash_parallelism)
    PASSWORD_HASH_MEMORY_BUDGET_MIB = tostring(var.api_password_hash_memory_budget_mib)
  })
  secret_env = merge(local.image_cdn_secret_env, {
    JWT_SECRET = { secret = module.secrets.names["jwt-signing-key"] }
  })

  depends_on = [
    module.secrets,
    module.uploads_bucket,
    terraform_data.connection_budget,
    terraform_data.api_memory_budget,
  ]
}

module "migrate_job" {
  source                = "../cloud-run-job"
  project_id            = module.services.project_id
  region                = var.region
  name                  = "quad-migrate"
  image                 = var.api_image
  command               = ["quad-migrate"]
  service_account_email = local.sa.migrate
  deletion_protection   = var.deletion_protection
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  labels                = local.labels
  env = merge(local.db_env, {
    DB_USER         = module.cloud_sql.iam_user_names["migrate"]
    DB_POOL_SIZE    = tostring(var.db_pool_size)
    DB_MAX_OVERFLOW = tostring(var.db_max_overflow)
  })

  depends_on = [module.service_accounts]
}
