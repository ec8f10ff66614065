# One Quad environment, composed from the modules next to this one. The environment roots
# (envs/dev, envs/prod) call it once with their values; nothing else in an environment is
# defined anywhere else. The composition is split by concern:
#
#   main.tf        names, labels, the APIs, the network, the connection budget
#   identities.tf  one service account per workload and its project roles
#   data.tf        Cloud SQL and its IAM users, Secret Manager secrets
#   api.tf         Artifact Registry, the API service, the migration job
#   events.tf      Pub/Sub topics, the upload bucket, the functions and their triggers, the sweep schedule
#   analytics.tf   the BigQuery dataset and tables, the staging bucket, Composer
#   edge.tf        the load balancer, Cloud Armor and Cloud CDN in front of the API (optional)
#   operations.tf  monitoring, the budget, what the Cloud Build deployer may touch
#
# Names: one project per environment, so resources carry no environment suffix; bucket
# names, which are global, start with the project id.

locals {
  # path.module is terraform/modules/platform.
  repo_root = abspath("${path.module}/../../..")

  labels = merge(var.labels, {
    app         = "quad"
    environment = var.environment
    managed-by  = "terraform"
  })

  # --- identities (created in identities.tf; emails are known before they exist) --------
  sa_domain = "${var.project_id}.iam.gserviceaccount.com"
  sa = {
    api           = "quad-api@${local.sa_domain}"
    migrate       = "quad-migrate@${local.sa_domain}"
    fn_uploads    = "quad-fn-uploads@${local.sa_domain}"
    fn_moderation = "quad-fn-moderation@${local.sa_domain}"
    fn_notify     = "quad-fn-notifications@${local.sa_domain}"
    fn_decisions  = "quad-fn-decisions@${local.sa_domain}"
    fn_outbox     = "quad-fn-outbox@${local.sa_domain}"
    fn_mail       = "quad-fn-mail@${local.sa_domain}"
    fn_builder    = "quad-fn-builder@${local.sa_domain}"
    invoker       = "quad-fn-invoker@${local.sa_domain}"
    composer      = "quad-composer@${local.sa_domain}"
    deployer      = "quad-deployer@${local.sa_domain}"
  }
  member = { for k, email in local.sa : k => "serviceAccount:${email}" }

  # The API's Cloud Run service (the edge's serverless NEG names it too).
  api_service_name = "quad-api"

  # --- buckets (global names) ----------------------------------------------------------------
  bucket = {
    uploads           = "${var.project_id}-quad-uploads"
    functions_source  = "${var.project_id}-quad-functions-source"
    analytics_staging = "${var.project_id}-quad-analytics-staging"
    composer          = "${var.project_id}-quad-composer"
  }

  # --- database connection budget --------------------------------------------------------
  # Every process keeps its own pool; the sum of every pool at its ceiling must fit under
  # max_connections, or a traffic spike turns into "too many connections" errors.
  function_pool_size    = 1 # one request per function instance
  function_max_overflow = 1 # the after-commit publish may briefly need a second one
  function_connections  = local.function_pool_size + local.function_max_overflow
  process_connections   = var.db_pool_size + var.db_max_overflow
  connection_budget = {
    reserved  = var.db_reserved_connections
    api       = local.process_connections * var.api_workers * var.api_max_instances
    migrate   = local.process_connections
    functions = local.function_connections * length(local.planned_functions) * var.function_max_instances
    analytics = var.analytics_db_connections
  }
  connection_budget_total = sum(values(local.connection_budget))

  # --- settings of everything that talks to the database (infra/settings.py) --------------
  db_env = {
    CLOUD_SQL_INSTANCE   = module.cloud_sql.connection_name
    DB_NAME              = module.cloud_sql.database_name
    DB_IAM_AUTH          = "true"
    DB_IP_TYPE           = "private"
    GOOGLE_CLOUD_PROJECT = var.project_id
    ENVIRONMENT          = var.environment
    LOG_LEVEL            = var.log_level
    EVENTS_BACKEND       = "pubsub"
    TOPIC_PREFIX         = local.topic_prefix
  }

  # Uploads: the API signs PUT URLs for objects under the incoming prefix and GET URLs for
  # processed images; the upload function reads, rewrites and deletes them.
  storage_env = {
    STORAGE_BACKEND = "gcs"
    UPLOAD_BUCKET   = local.bucket.uploads
    # Processed images are written with Cache-Control max-age this long (at most the
    # window of the URLs that name them).
    IMAGE_CDN_URL_WINDOW_SECONDS = tostring(var.image_url_window_seconds)
  }

  # Mail: the relay the mail function submits to (Cloud Run cannot send on port 25), who
  # sends, and where links in mails lead. Its password is SMTP_PASSWORD, from Secret Manager.
  mail_env = {
    MAIL_BACKEND  = "smtp"
    SMTP_HOST     = var.smtp_host
    SMTP_PORT     = tostring(var.smtp_port)
    SMTP_TLS      = var.smtp_tls
    SMTP_USERNAME = var.smtp_username
    MAIL_FROM     = var.mail_from
    WEB_BASE_URL  = var.web_base_url
  }
}

module "services" {
  source     = "../project-services"
  project_id = var.project_id
  services = [
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "billingbudgets.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "composer.googleapis.com",
    "compute.googleapis.com",
    "eventarc.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
  ]
}

# The connection budget must fit under max_connections: plan fails otherwise.
resource "terraform_data" "connection_budget" {
  input = local.connection_budget

  lifecycle {
    precondition {
      condition     = local.connection_budget_total <= var.db_max_connections
      error_message = "Database connection budget ${local.connection_budget_total} (${jsonencode(local.connection_budget)}) exceeds db_max_connections ${var.db_max_connections}: lower pools, workers or max instances, or raise max_connections with a larger tier."
    }
  }
}

module "network" {
  source                   = "../network"
  project_id               = module.services.project_id
  region                   = var.region
  name                     = "quad"
  subnet_cidr              = var.subnet_cidr
  private_services_address = var.private_services_address
}
