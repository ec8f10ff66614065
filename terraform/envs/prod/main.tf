# One environment of Quad, composed from ../../modules. dev and prod share this file
# (tests/terraform checks they are identical); they differ only in terraform.tfvars.
#
# Names: one project per environment, so resources carry no environment suffix; bucket
# names, which are global, start with the project id.

locals {
  repo_root = abspath("${path.root}/../../..")

  labels = merge(var.labels, {
    app         = "quad"
    environment = var.environment
    managed-by  = "terraform"
  })

  # --- identities -----------------------------------------------------------------------
  sa_domain = "${var.project_id}.iam.gserviceaccount.com"
  sa = {
    api           = "quad-api@${local.sa_domain}"
    migrate       = "quad-migrate@${local.sa_domain}"
    fn_uploads    = "quad-fn-uploads@${local.sa_domain}"
    fn_moderation = "quad-fn-moderation@${local.sa_domain}"
    fn_notify     = "quad-fn-notifications@${local.sa_domain}"
    fn_outbox     = "quad-fn-outbox@${local.sa_domain}"
    fn_builder    = "quad-fn-builder@${local.sa_domain}"
    invoker       = "quad-fn-invoker@${local.sa_domain}"
    composer      = "quad-composer@${local.sa_domain}"
    deployer      = "quad-deployer@${local.sa_domain}"
  }
  member   = { for k, email in local.sa : k => "serviceAccount:${email}" }
  db_users = { for k, email in local.sa : k => trimsuffix(email, ".gserviceaccount.com") }

  # --- events -----------------------------------------------------------------------------
  # TOPIC_PREFIX + the topics of api/events/types.py (tests/terraform checks they match).
  topic_prefix  = "quad-"
  domain_topics = ["users", "posts", "comments", "reactions", "reports", "moderation", "reviews", "social", "timetables"]
  topics = merge(
    { for t in local.domain_topics : "${local.topic_prefix}${t}" => {
      publishers = [local.member.api, local.member.fn_outbox]
    } },
    {
      # content_hidden events written by the moderation function.
      "${local.topic_prefix}moderation" = {
        publishers = [local.member.api, local.member.fn_outbox, local.member.fn_moderation]
      }
      # OBJECT_FINALIZE notifications of the upload bucket (the storage agent publishes).
      "${local.topic_prefix}uploads" = {}
    },
  )

  # --- database connection budget --------------------------------------------------------
  # Every process keeps its own pool; the sum of every pool at its ceiling must fit under
  # max_connections, or a traffic spike turns into "too many connections" errors.
  function_pool_size     = 1 # one request per function instance
  function_max_overflow  = 1 # the after-commit publish may briefly need a second one
  function_connections   = local.function_pool_size + local.function_max_overflow
  process_connections    = var.db_pool_size + var.db_max_overflow
  planned_function_count = length(local.planned_functions)
  connection_budget = {
    reserved  = var.db_reserved_connections
    api       = local.process_connections * var.api_workers * var.api_max_instances
    migrate   = local.process_connections
    functions = local.function_connections * local.planned_function_count * var.function_max_instances
    analytics = var.analytics_db_connections
  }
  connection_budget_total = sum(values(local.connection_budget))

  # --- settings shared by everything that talks to the database --------------------------
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

  # --- functions (the events issue) -------------------------------------------------------
  # Planned now so their accounts, topics, subscriptions and connection budget exist; created
  # when functions_enabled is true. Entry points live in functions/main.py;
  # terraform/scripts/stage-functions.sh stages the deployable source in functions_source_dir.
  # A function with a topic is pushed that topic's messages (with its dead-letter topic);
  # the sweep (topic = null) is an HTTP function called by Cloud Scheduler.
  planned_functions = [
    {
      name            = "quad-on-upload-finalized"
      entry_point     = "on_upload_finalized"
      description     = "Checks an uploaded file (magic bytes, size), strips metadata, writes a thumbnail, marks the attachment ready or rejected."
      topic           = "${local.topic_prefix}uploads"
      account         = "fn_uploads"
      memory          = "1Gi"
      cpu             = "1"
      timeout_seconds = 120
      ack_deadline    = 180
      environment     = { UPLOAD_BUCKET = "${var.project_id}-quad-uploads" }
    },
    {
      name            = "quad-on-content-reported"
      entry_point     = "on_content_reported"
      description     = "Counts distinct reporters and hides content at the threshold, recording the moderation action."
      topic           = "${local.topic_prefix}reports"
      account         = "fn_moderation"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = {}
    },
    {
      name            = "quad-on-comment-created"
      entry_point     = "on_comment_created"
      description     = "Notifies the post's author and the parent comment's author of a new comment or reply."
      topic           = "${local.topic_prefix}comments"
      account         = "fn_notify"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = {}
    },
    {
      name            = "quad-sweep-outbox"
      entry_point     = "sweep_outbox"
      description     = "Publishes outbox events left behind after their commit and prunes old published ones."
      topic           = null
      account         = "fn_outbox"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 240
      ack_deadline    = 300
      environment     = {}
    },
  ]

  functions = [
    for f in local.planned_functions : {
      name                  = f.name
      entry_point           = f.entry_point
      description           = f.description
      source_dir            = "${local.repo_root}/${var.functions_source_dir}"
      service_account_email = local.sa[f.account]
      topic                 = f.topic == null ? null : module.pubsub.topic_ids[f.topic]
      dead_letter_topic     = f.topic == null ? null : module.pubsub.dead_letter_topic_ids[f.topic]
      ack_deadline_seconds  = f.ack_deadline
      memory                = f.memory
      cpu                   = f.cpu
      timeout_seconds       = f.timeout_seconds
      max_instances         = var.function_max_instances
      environment = merge(local.db_env, f.environment, {
        DB_USER         = local.db_users[f.account]
        DB_POOL_SIZE    = tostring(local.function_pool_size)
        DB_MAX_OVERFLOW = tostring(local.function_max_overflow)
      })
    }
  ]

  # --- analytics (the analytics issue) -----------------------------------------------------
  # One table per schema file in dags/schemas/ (BigQuery JSON schema: a list of fields, each
  # with a description). Partitioning and clustering per table go in this map; a table not
  # listed is unpartitioned. Nothing is created while dags/ does not exist.
  analytics_schema_dir = "${local.repo_root}/dags/schemas"
  analytics_table_settings = {
    activity_events = {
      description     = "One row per activity (signup, post, comment, like, scrap, report, review, timetable change)."
      partition_field = "event_date"
      clustering      = ["school_id", "event_type"]
    }
  }
  analytics_tables = {
    for file in fileset(local.analytics_schema_dir, "*.json") :
    trimsuffix(file, ".json") => merge(
      { schema_file = "${local.analytics_schema_dir}/${file}" },
      lookup(local.analytics_table_settings, trimsuffix(file, ".json"), {}),
    )
  }
}

module "services" {
  source     = "../../modules/project-services"
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

module "service_accounts" {
  source     = "../../modules/service-accounts"
  project_id = module.services.project_id
  accounts = {
    "quad-api" = {
      display_name  = "Quad API"
      description   = "Runs the API on Cloud Run: connects to Cloud SQL as an IAM user, publishes domain events, signs upload URLs."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam = {
        # V4 signed upload URLs are signed by the API's own account (signBlob), not a key.
        "roles/iam.serviceAccountTokenCreator" = [local.member.api]
        "roles/iam.serviceAccountUser"         = [local.member.deployer]
      }
    }
    "quad-migrate" = {
      display_name  = "Quad migrations"
      description   = "Runs the Alembic migrations as a Cloud Run job; owns the database schema."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-uploads" = {
      display_name  = "Quad upload function"
      description   = "Runs on_upload_finalized: reads, rewrites and deletes upload objects; updates attachments."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-moderation" = {
      display_name  = "Quad moderation function"
      description   = "Runs on_content_reported: hides reported content at the threshold."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-notifications" = {
      display_name  = "Quad notification function"
      description   = "Runs on_comment_created: writes notifications."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-outbox" = {
      display_name  = "Quad outbox sweep function"
      description   = "Runs sweep_outbox: publishes outbox events left behind."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-builder" = {
      display_name  = "Quad function builder"
      description   = "Cloud Build identity that builds the functions' images from their source archives."
      project_roles = ["roles/logging.logWriter"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-invoker" = {
      display_name = "Quad function invoker"
      description  = "Identity in the OIDC tokens of the Pub/Sub push subscriptions and the outbox sweep's Cloud Scheduler job: the only invoker of the functions."
    }
    "quad-composer" = {
      display_name  = "Quad Composer"
      description   = "Runs the analytics DAGs: reads Cloud SQL (read-only user), loads BigQuery."
      project_roles = ["roles/composer.worker", "roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/bigquery.jobUser"]
      # The Composer service agent binds the environment's workloads to this account.
      iam = {
        for role, members in {
          "roles/composer.ServiceAgentV2Ext" = ["serviceAccount:service-${module.services.project_number}@cloudcomposer-accounts.iam.gserviceaccount.com"]
        } : role => members if var.composer_enabled
      }
    }
    "quad-deployer" = {
      display_name  = "Quad deployer (Cloud Build)"
      description   = "Cloud Build's identity for cloudbuild.yaml: pushes images, runs migrations, deploys revisions and functions, syncs DAGs."
      project_roles = ["roles/run.developer", "roles/cloudfunctions.developer", "roles/logging.logWriter"]
    }
  }
}

module "network" {
  source                   = "../../modules/network"
  project_id               = module.services.project_id
  region                   = var.region
  name                     = "quad"
  subnet_cidr              = var.subnet_cidr
  private_services_address = var.private_services_address
  nat_enabled              = var.nat_enabled
}

module "cloud_sql" {
  source              = "../../modules/cloud-sql"
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
    fn_outbox     = { email = local.sa.fn_outbox, database_roles = ["pg_read_all_data", "pg_write_all_data"] }
    # Analytics reads only.
    composer = { email = local.sa.composer, database_roles = ["pg_read_all_data"] }
  }

  depends_on = [module.service_accounts]
}

module "artifact_registry" {
  source     = "../../modules/artifact-registry"
  project_id = module.services.project_id
  region     = var.region
  name       = "quad"
  labels     = local.labels
  iam = {
    "roles/artifactregistry.writer" = [local.member.deployer, local.member.fn_builder]
  }
}

module "secrets" {
  source            = "../../modules/secrets"
  project_id        = module.services.project_id
  replica_locations = [var.region]
  labels            = local.labels
  secrets = {
    "jwt-signing-key" = {
      description = "HS256 key that signs access tokens (the API's JWT_SECRET)."
      accessors   = [local.member.api]
    }
    "analytics-pseudonym-key" = {
      description = "HMAC key that turns user ids into pseudonyms in BigQuery."
      accessors   = [local.member.composer]
    }
  }
}

module "pubsub" {
  source         = "../../modules/pubsub"
  project_id     = module.services.project_id
  project_number = module.services.project_number
  topics         = local.topics
  labels         = local.labels
}

module "uploads_bucket" {
  source     = "../../modules/gcs-bucket"
  project_id = module.services.project_id
  name       = "${var.project_id}-quad-uploads"
  location   = var.region
  labels     = local.labels
  cors = [{
    origins          = var.upload_cors_origins
    methods          = ["PUT"]
    response_headers = ["Content-Type", "x-goog-content-length-range"]
    max_age_seconds  = 3600
  }]
  lifecycle_rules = [
    { action = "AbortIncompleteMultipartUpload", age = 1 },
    # Abandoned or never-processed uploads.
    { action = "Delete", age = var.upload_abandoned_after_days, matches_prefix = [var.upload_incoming_prefix] },
    { action = "Delete", days_since_noncurrent_time = 7, with_state = "ARCHIVED" },
  ]
  iam = {
    # Signing a PUT URL needs the signer to be allowed to create the object.
    "roles/storage.objectCreator" = [local.member.api]
    "roles/storage.objectViewer"  = [local.member.api]
    "roles/storage.objectUser"    = [local.member.fn_uploads]
  }
  notifications = {
    finalize = {
      topic              = module.pubsub.topic_ids["${local.topic_prefix}uploads"]
      event_types        = ["OBJECT_FINALIZE"]
      object_name_prefix = var.upload_incoming_prefix
    }
  }
}

module "functions_source_bucket" {
  source     = "../../modules/gcs-bucket"
  project_id = module.services.project_id
  name       = "${var.project_id}-quad-functions-source"
  location   = var.region
  labels     = local.labels
  lifecycle_rules = [
    { action = "Delete", days_since_noncurrent_time = 30, with_state = "ARCHIVED" },
  ]
  iam = {
    "roles/storage.objectViewer" = [local.member.fn_builder]
  }
}

module "analytics_staging_bucket" {
  source     = "../../modules/gcs-bucket"
  project_id = module.services.project_id
  name       = "${var.project_id}-quad-analytics-staging"
  location   = var.region
  labels     = local.labels
  lifecycle_rules = [
    { action = "Delete", age = 7 },
    { action = "Delete", days_since_noncurrent_time = 1, with_state = "ARCHIVED" },
  ]
  iam = {
    "roles/storage.objectUser" = [local.member.composer]
  }
}

module "api" {
  source                = "../../modules/cloud-run-service"
  project_id            = module.services.project_id
  region                = var.region
  name                  = "quad-api"
  description           = "Quad HTTP API"
  image                 = var.api_image
  service_account_email = local.sa.api
  public                = true
  deletion_protection   = var.deletion_protection
  cpu                   = var.api_cpu
  memory                = var.api_memory
  min_instances         = var.api_min_instances
  max_instances         = var.api_max_instances
  concurrency           = var.api_concurrency
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  labels                = local.labels
  env = merge(local.db_env, {
    DB_USER         = module.cloud_sql.iam_user_names["api"]
    DB_POOL_SIZE    = tostring(var.db_pool_size)
    DB_MAX_OVERFLOW = tostring(var.db_max_overflow)
    WEB_CONCURRENCY = tostring(var.api_workers)
    HOST            = "0.0.0.0"
    UPLOAD_BUCKET   = module.uploads_bucket.name
  })
  secret_env = {
    JWT_SECRET = { secret = module.secrets.names["jwt-signing-key"] }
  }

  depends_on = [module.secrets, terraform_data.connection_budget]
}

module "migrate_job" {
  source                = "../../modules/cloud-run-job"
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
}

module "functions" {
  source                        = "../../modules/functions"
  project_id                    = module.services.project_id
  project_number                = module.services.project_number
  region                        = var.region
  functions                     = [for f in local.functions : f if var.functions_enabled]
  source_bucket                 = module.functions_source_bucket.name
  builder_service_account_email = local.sa.fn_builder
  docker_repository             = module.artifact_registry.id
  invoker_service_account_email = local.sa.invoker
  network_id                    = module.network.network_id
  subnet_id                     = module.network.subnet_id
  labels                        = local.labels

  depends_on = [module.cloud_sql, module.service_accounts]
}

module "scheduler" {
  source     = "../../modules/scheduler"
  project_id = module.services.project_id
  region     = var.region
  jobs = {
    for name, job in {
      "quad-outbox-sweep" = {
        description                = "Publishes outbox events left behind (calls the sweep_outbox function)."
        schedule                   = var.outbox_sweep_schedule
        http_uri                   = lookup(module.functions.uris, "quad-sweep-outbox", null)
        oidc_service_account_email = local.sa.invoker
        attempt_deadline_seconds   = 300
      }
    } : name => job if var.functions_enabled
  }
}

module "analytics" {
  source      = "../../modules/bigquery"
  project_id  = module.services.project_id
  dataset_id  = "quad_analytics"
  description = "Quad activity for analysts: partitioned facts and daily marts, pseudonymous, no free text."
  location    = var.region
  tables      = local.analytics_tables
  labels      = local.labels
  iam = {
    for role, members in {
      "roles/bigquery.dataEditor" = [local.member.composer]
      "roles/bigquery.dataViewer" = var.analytics_readers
    } : role => members if length(members) > 0
  }
}

module "composer_bucket" {
  source     = "../../modules/gcs-bucket"
  count      = var.composer_enabled ? 1 : 0
  project_id = module.services.project_id
  name       = "${var.project_id}-quad-composer"
  location   = var.region
  labels     = local.labels
  lifecycle_rules = [
    { action = "Delete", days_since_noncurrent_time = 7, with_state = "ARCHIVED" },
  ]
  iam = {
    "roles/storage.objectAdmin" = [local.member.composer]
    # Cloud Build syncs dags/ into it.
    "roles/storage.objectUser" = [local.member.deployer]
  }
}

module "composer" {
  source                = "../../modules/composer"
  count                 = var.composer_enabled ? 1 : 0
  project_id            = module.services.project_id
  region                = var.region
  name                  = "quad-analytics"
  image_version         = var.composer_image_version
  environment_size      = var.composer_environment_size
  resilience_mode       = var.composer_resilience_mode
  service_account_email = local.sa.composer
  bucket_name           = module.composer_bucket[0].name
  network_id            = module.network.network_id
  subnet_id             = module.network.subnet_id
  labels                = local.labels
  # The DAGs' settings (the analytics issue may add to them).
  env_variables = {
    CLOUD_SQL_INSTANCE = module.cloud_sql.connection_name
    DB_USER            = module.cloud_sql.iam_user_names["composer"]
    DB_NAME            = module.cloud_sql.database_name
    DB_IAM_AUTH        = "true"
    DB_IP_TYPE         = "private"
    # One connection per task; at most analytics_db_connections database tasks at once
    # (an Airflow pool with that many slots).
    DB_POOL_SIZE                    = "1"
    DB_MAX_OVERFLOW                 = "0"
    ANALYTICS_DB_POOL_SLOTS         = tostring(var.analytics_db_connections)
    ENVIRONMENT                     = var.environment
    ANALYTICS_DATASET               = module.analytics.dataset_id
    ANALYTICS_STAGING_BUCKET        = module.analytics_staging_bucket.name
    ANALYTICS_PSEUDONYM_KEY_SECRET  = module.secrets.ids["analytics-pseudonym-key"]
    ANALYTICS_PSEUDONYM_KEY_PROJECT = var.project_id
  }

  depends_on = [module.service_accounts, module.cloud_sql]
}

module "monitoring" {
  source                    = "../../modules/monitoring"
  project_id                = module.services.project_id
  notification_emails       = var.alert_emails
  api_service_name          = module.api.name
  api_host                  = module.api.host
  dead_letter_subscriptions = module.pubsub.dead_letter_subscription_names
  composer_environment_name = var.composer_enabled ? module.composer[0].name : null
  sql_database_id           = module.cloud_sql.database_id
  sql_max_connections       = var.db_max_connections
  labels                    = local.labels
}

module "budget" {
  source                   = "../../modules/budget"
  billing_account          = var.billing_account
  project_number           = module.services.project_number
  display_name             = "Quad ${var.environment} (${var.project_id})"
  amount                   = var.budget_amount
  currency_code            = var.budget_currency
  notification_channel_ids = slice(module.monitoring.notification_channel_ids, 0, min(5, length(module.monitoring.notification_channel_ids)))
}
