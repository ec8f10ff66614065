# Cloud Functions (2nd gen). Each function gets:
# - a source archive built from a directory of this repository and uploaded to the source
#   bucket (the build runs as a dedicated builder account and stores its image in the given
#   Artifact Registry repository);
# - its own runtime service account, Direct VPC egress (private ranges: Cloud SQL), internal
#   ingress only, one request per instance, bounded instances;
# - roles/run.invoker for the invoker account only;
# - one way in:
#   * a topic: a push subscription on it that this module owns, authenticated with the
#     invoker's OIDC token, with a retry policy, a max delivery count and the topic's
#     dead-letter topic (an Eventarc Pub/Sub trigger would create a subscription we could
#     not give a dead-letter topic). Functions-framework turns the push envelope into the
#     CloudEvent google.cloud.pubsub.topic.v1.messagePublished, as Eventarc would;
#   * an event type: an Eventarc trigger (e.g. google.cloud.storage.object.v1.finalized with
#     a bucket filter), delivered as the invoker account, retried on failure. Eventarc owns
#     that trigger's subscription (retention 24 hours, backoff 10 s to 10 min, no dead-letter
#     topic): the eventarc_subscription_prefixes output lets monitoring watch its backlog;
#   * neither: an HTTP function (Cloud Scheduler calls it with the invoker's OIDC token, see
#     the scheduler module).
#
# After creation, Cloud Build deploys new code (gcloud functions deploy --source); the
# source is ignored here so an apply never rolls code back.

locals {
  functions    = { for f in var.functions : f.name => f }
  subscribed   = { for name, f in local.functions : name => f if f.topic != null }
  triggered    = { for name, f in local.functions : name => f if f.event_type != null }
  pubsub_agent = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  invoker      = "serviceAccount:${var.invoker_service_account_email}"

  # Cloud Storage events reach Eventarc through Pub/Sub, published by the project's Cloud
  # Storage service agent.
  storage_triggers = anytrue([for f in values(local.triggered) : startswith(f.event_type, "google.cloud.storage.")])
}

# Eventarc delivers events as the invoker account: it must be allowed to receive them.
resource "google_project_iam_member" "invoker_event_receiver" {
  count = length(local.triggered) > 0 ? 1 : 0

  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = local.invoker
}

data "google_storage_project_service_account" "this" {
  count   = local.storage_triggers ? 1 : 0
  project = var.project_id
}

# Required by Cloud Storage triggers: the storage agent publishes the bucket's events to
# the trigger's transport topic, which Eventarc creates (so no topic-level grant is possible).
resource "google_project_iam_member" "storage_agent_publisher" {
  count = local.storage_triggers ? 1 : 0

  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.this[0].email_address}"
}

# Pushes and Eventarc deliveries carry an OIDC token of the invoker, minted by the Pub/Sub
# service agent (automatic in projects created after April 2021; explicit here, on this one
# account only, for older ones).
resource "google_service_account_iam_member" "pubsub_agent_token_creator" {
  count = length(local.functions) > 0 ? 1 : 0

  service_account_id = "projects/${var.project_id}/serviceAccounts/${var.invoker_service_account_email}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

data "archive_file" "source" {
  for_each = local.functions

  type        = "zip"
  source_dir  = each.value.source_dir
  output_path = "${path.root}/.terraform/function-sources/${each.key}.zip"
  excludes    = ["**/__pycache__/**", "**/*.pyc", "**/.pytest_cache/**"]

  lifecycle {
    precondition {
      condition     = fileexists("${each.value.source_dir}/main.py") && fileexists("${each.value.source_dir}/requirements.txt")
      error_message = "No staged function source in ${each.value.source_dir}: run terraform/scripts/stage-functions.sh first (see terraform/README.md)."
    }
  }
}

resource "google_storage_bucket_object" "source" {
  for_each = local.functions

  bucket = var.source_bucket
  name   = "functions/${each.key}-${data.archive_file.source[each.key].output_md5}.zip"
  source = data.archive_file.source[each.key].output_path
}

resource "google_cloudfunctions2_function" "this" {
  for_each = local.functions

  project     = var.project_id
  name        = each.key
  location    = var.region
  description = each.value.description
  labels      = var.labels

  build_config {
    runtime           = each.value.runtime
    entry_point       = each.value.entry_point
    service_account   = "projects/${var.project_id}/serviceAccounts/${var.builder_service_account_email}"
    docker_repository = var.docker_repository

    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  service_config {
    service_account_email            = each.value.service_account_email
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout_seconds
    min_instance_count               = each.value.min_instances
    max_instance_count               = each.value.max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    environment_variables            = each.value.environment
    direct_vpc_egress                = "VPC_EGRESS_PRIVATE_RANGES_ONLY"

    direct_vpc_network_interface {
      network    = var.network_id
      subnetwork = var.subnet_id
    }

    dynamic "secret_environment_variables" {
      for_each = each.value.secret_environment
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret
        version    = secret_environment_variables.value.version
      }
    }
  }

  dynamic "event_trigger" {
    for_each = each.value.event_type == null ? [] : [each.value]
    content {
      trigger_region        = var.region
      event_type            = event_trigger.value.event_type
      retry_policy          = event_trigger.value.retry ? "RETRY_POLICY_RETRY" : "RETRY_POLICY_DO_NOT_RETRY"
      service_account_email = var.invoker_service_account_email

      dynamic "event_filters" {
        for_each = event_trigger.value.event_filters
        content {
          attribute = event_filters.key
          value     = event_filters.value
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [build_config[0].source]
  }

  # Eventarc checks at creation that events can flow to the function.
  depends_on = [
    google_project_iam_member.invoker_event_receiver,
    google_project_iam_member.storage_agent_publisher,
    google_service_account_iam_member.pubsub_agent_token_creator,
  ]
}

# Only the invoker account may call a function (a gen2 function is a Cloud Run service).
resource "google_cloud_run_v2_service_iam_member" "invoker" {
  for_each = local.functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this[each.key].name
  role     = "roles/run.invoker"
  member   = local.invoker
}

resource "google_pubsub_subscription" "push" {
  for_each = local.subscribed

  project                    = var.project_id
  name                       = "${each.key}-push"
  topic                      = each.value.topic
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s"
  enable_message_ordering    = each.value.enable_message_ordering
  filter                     = each.value.filter
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = each.value.minimum_backoff
    maximum_backoff = each.value.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = each.value.dead_letter_topic
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  push_config {
    push_endpoint = google_cloudfunctions2_function.this[each.key].service_config[0].uri
    oidc_token {
      service_account_email = var.invoker_service_account_email
      audience              = google_cloudfunctions2_function.this[each.key].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.invoker]
}

# Forwarding to the dead-letter topic requires the agent to acknowledge the original.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.subscribed

  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}
