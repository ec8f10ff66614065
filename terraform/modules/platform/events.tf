# Events: the Pub/Sub topics the API publishes to (each with a dead-letter topic), the upload
# bucket, and the functions that react (functions/main.py) with their triggers.

locals {
  # TOPIC_PREFIX + the topics of api/outbox/types.py (tests/terraform checks they match).
  topic_prefix  = "quad-"
  domain_topics = ["users", "posts", "comments", "reactions", "reports", "moderation", "reviews", "social", "timetables", "mail"]
  topics = merge(
    # Authoritative: these are a topic's only publishers (the Pub/Sub agent publishes to the
    # dead-letter topics, which are not these).
    { for t in local.domain_topics : "${local.topic_prefix}${t}" => {
      # The API publishes after commit; the sweep publishes what was left behind.
      iam = { "roles/pubsub.publisher" = [local.member.api, local.member.fn_outbox] }
    } },
    {
      # content_hidden events written by the moderation function.
      "${local.topic_prefix}moderation" = {
        iam = { "roles/pubsub.publisher" = [local.member.api, local.member.fn_outbox, local.member.fn_moderation] }
      }
    },
  )

  # The entry points of functions/main.py (tests/terraform checks every one is here), one
  # function each, with its own account. Exactly one way in each:
  #   topic       a push subscription on that topic, with its dead-letter topic;
  #   event_type  an Eventarc trigger with event_filters, retried on failure;
  #   neither     HTTP, called by Cloud Scheduler (the sweep).
  planned_functions = [
    {
      name            = "quad-on-upload-finalized"
      entry_point     = "on_upload_finalized"
      description     = "Checks an uploaded file (magic bytes, size), strips metadata, writes the image and a thumbnail under images/, marks the attachment ready or rejected."
      topic           = null
      event_type      = "google.cloud.storage.object.v1.finalized"
      event_filters   = { bucket = local.bucket.uploads }
      account         = "fn_uploads"
      memory          = "1Gi"
      cpu             = "1"
      timeout_seconds = 120
      ack_deadline    = 180
      environment     = local.storage_env
      secrets         = {}
    },
    {
      name            = "quad-on-content-reported"
      entry_point     = "on_content_reported"
      description     = "Counts distinct reporters and hides content at the threshold, recording the moderation action."
      topic           = "${local.topic_prefix}reports"
      event_type      = null
      event_filters   = {}
      account         = "fn_moderation"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = {}
      secrets         = {}
    },
    {
      name            = "quad-on-comment-created"
      entry_point     = "on_comment_created"
      description     = "Notifies the post's author and the parent comment's author of a new comment or reply."
      topic           = "${local.topic_prefix}comments"
      event_type      = null
      event_filters   = {}
      account         = "fn_notify"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = {}
      secrets         = {}
    },
    {
      name            = "quad-on-moderation-decided"
      entry_point     = "on_moderation_decided"
      description     = "Tells the author of moderated content what was decided and why, and the outcome of their appeal (never who decided)."
      topic           = "${local.topic_prefix}moderation"
      event_type      = null
      event_filters   = {}
      account         = "fn_decisions"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = {}
      secrets         = {}
    },
    {
      name            = "quad-on-mail-requested"
      entry_point     = "on_mail_requested"
      description     = "Composes the mail an event asks for (e-mail verification), renders it in the reader's language and submits it to the SMTP relay."
      topic           = "${local.topic_prefix}mail"
      event_type      = null
      event_filters   = {}
      account         = "fn_mail"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 60
      ack_deadline    = 90
      environment     = local.mail_env
      secrets         = { SMTP_PASSWORD = "smtp-password" }
    },
    {
      name            = "quad-sweep-outbox"
      entry_point     = "sweep_outbox"
      description     = "Publishes outbox events left behind after their commit and prunes old published ones."
      topic           = null
      event_type      = null
      event_filters   = {}
      account         = "fn_outbox"
      memory          = "512Mi"
      cpu             = "0.333"
      timeout_seconds = 240
      ack_deadline    = 300
      environment     = {}
      secrets         = {}
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
      event_type            = f.event_type
      event_filters         = f.event_filters
      ack_deadline_seconds  = f.ack_deadline
      memory                = f.memory
      cpu                   = f.cpu
      timeout_seconds       = f.timeout_seconds
      max_instances         = var.function_max_instances
      environment = merge(local.db_env, f.environment, {
        DB_USER         = module.cloud_sql.iam_user_names[f.account]
        DB_POOL_SIZE    = tostring(local.function_pool_size)
        DB_MAX_OVERFLOW = tostring(local.function_max_overflow)
      })
      # Env var => secret id; the latest version is read when an instance starts.
      secret_environment = { for name, secret in f.secrets : name => { secret = module.secrets.names[secret] } }
    } if var.functions_enabled
  ]
}

module "pubsub" {
  source         = "../pubsub"
  project_id     = module.services.project_id
  project_number = module.services.project_number
  topics         = local.topics
  labels         = local.labels

  depends_on = [module.service_accounts]
}

# Browsers PUT raw uploads under incoming/ with V4 URLs the API signs; the upload function
# writes the processed image and thumbnail under images/ (its trigger fires for those too,
# and the function ignores anything outside incoming/).
module "uploads_bucket" {
  source     = "../gcs-bucket"
  project_id = module.services.project_id
  name       = local.bucket.uploads
  location   = var.region
  labels     = local.labels
  cors = [{
    origins          = var.web_origins
    methods          = ["PUT"]
    response_headers = ["Content-Type", "x-goog-content-length-range"]
    max_age_seconds  = 3600
  }]
  lifecycle_rules = [
    { action = "AbortIncompleteMultipartUpload", age = 1 },
    # Abandoned or never-processed uploads.
    { action = "Delete", age = var.upload_abandoned_after_days, matches_prefix = [var.upload_incoming_prefix] },
    # A raw upload the function has replaced may still carry metadata (EXIF GPS): its
    # noncurrent version goes after a day, not a week.
    { action = "Delete", days_since_noncurrent_time = 1, with_state = "ARCHIVED" },
  ]
  # Authoritative: raw uploads may carry location metadata, so nobody else gets object roles
  # here, and a grant made outside Terraform is revoked by the next apply.
  iam = merge({
    # The signer of a PUT URL must be allowed to create the object, of a GET URL to read
    # it; deleting a post deletes its images (objectUser: create, read, delete; no IAM).
    "roles/storage.objectUser" = [local.member.api]
    # Read the upload, write the processed image and thumbnail, delete what is rejected.
    "roles/storage.objectAdmin" = [local.member.fn_uploads]
    }, local.image_cdn_on ? {
    # Behind the edge, Cloud CDN reads images for signed requests (only the API signs, and
    # only images/ objects).
    "roles/storage.objectViewer" = [local.cdn_fill_member]
  } : {})

  depends_on = [module.service_accounts]
}

module "functions_source_bucket" {
  source     = "../gcs-bucket"
  project_id = module.services.project_id
  name       = local.bucket.functions_source
  location   = var.region
  labels     = local.labels
  # No age-based deletion: a function rebuilds from the archive it was last deployed with
  # (a few MB per commit).
  lifecycle_rules = [
    { action = "Delete", days_since_noncurrent_time = 7, with_state = "ARCHIVED" },
  ]
  # Authoritative: what is built into the functions comes only from the deployer.
  iam = {
    "roles/storage.objectViewer" = [local.member.fn_builder]
    # Cloud Build uploads each commit's archive, then deploys it.
    "roles/storage.objectUser" = [local.member.deployer]
  }

  depends_on = [module.service_accounts]
}

module "functions" {
  source                        = "../functions"
  project_id                    = module.services.project_id
  project_number                = module.services.project_number
  region                        = var.region
  functions                     = local.functions
  source_bucket                 = module.functions_source_bucket.name
  builder_service_account_email = local.sa.fn_builder
  docker_repository             = module.functions_registry.id
  invoker_service_account_email = local.sa.invoker
  network_id                    = module.network.network_id
  subnet_id                     = module.network.subnet_id
  labels                        = local.labels

  depends_on = [module.cloud_sql, module.secrets, module.service_accounts, module.uploads_bucket, terraform_data.connection_budget]
}

module "scheduler" {
  source     = "../scheduler"
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
