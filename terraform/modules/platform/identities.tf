# One service account per workload. Project-level roles only where the service has no
# resource-level IAM (Cloud SQL connections, BigQuery jobs, Eventarc delivery, Cloud Run
# and Cloud Functions deploys, logging); every other grant is made on the resource, by the
# file that creates it. terraform/README.md has the full table.
#
# Roles on an account (`iam`) are authoritative: who may act as a workload, or mint its
# tokens, is exactly what is listed here, and a grant made outside Terraform is revoked.

module "service_accounts" {
  source     = "../service-accounts"
  project_id = module.services.project_id
  accounts = {
    "quad-api" = {
      display_name  = "Quad API"
      description   = "Runs the API on Cloud Run: connects to Cloud SQL as an IAM user, publishes domain events, signs upload and image URLs."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam = {
        # V4 signed URLs are signed by the API's own account (signBlob), never with a key.
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
      description   = "Runs on_upload_finalized: checks, rewrites and deletes upload objects; updates attachments."
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
    "quad-fn-decisions" = {
      display_name  = "Quad moderation notice function"
      description   = "Runs on_moderation_decided: tells authors of moderated content what was decided."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-outbox" = {
      display_name  = "Quad outbox sweep function"
      description   = "Runs sweep_outbox: publishes outbox events left behind."
      project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
      iam           = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-fn-mail" = {
      display_name  = "Quad mail function"
      description   = "Runs on_mail_requested: composes mails from the database and submits them to the SMTP relay."
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
      description  = "Identity in the OIDC tokens of the Pub/Sub push subscriptions, the Eventarc upload trigger and the sweep's Cloud Scheduler job: the only invoker of the functions."
      # roles/eventarc.eventReceiver (project) and the Pub/Sub agent's token creator on this
      # account are granted by the functions module, with the triggers that need them
      # (additively: so this `iam` must never list roles/iam.serviceAccountTokenCreator).
      iam = { "roles/iam.serviceAccountUser" = [local.member.deployer] }
    }
    "quad-composer" = {
      display_name  = "Quad Composer"
      description   = "Runs the analytics DAGs: reads Cloud SQL (read-only user), loads BigQuery, pseudonymizes users."
      project_roles = ["roles/composer.worker", "roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/bigquery.jobUser"]
      # The Composer service agent binds the environment's workloads to this account: it
      # edits this account's policy itself (that is what the role allows), so ours is additive.
      iam_bindings_additive = {
        for key, binding in {
          composer_agent = {
            role   = "roles/composer.ServiceAgentV2Ext"
            member = "serviceAccount:service-${module.services.project_number}@cloudcomposer-accounts.iam.gserviceaccount.com"
          }
        } : key => binding if var.composer_enabled
      }
    }
    "quad-deployer" = {
      display_name = "Quad deployer (Cloud Build)"
      description  = "Cloud Build's identity for cloudbuild.yaml: plans Terraform (read only), pushes images, runs migrations, deploys revisions and functions, syncs DAGs."
      # browser: project metadata for terraform plan's data sources; serviceUsageConsumer:
      # the provider bills API quota to the project (user_project_override).
      project_roles = [
        "roles/run.developer",
        "roles/cloudfunctions.developer",
        "roles/logging.logWriter",
        "roles/browser",
        "roles/serviceusage.serviceUsageConsumer",
      ]
    }
  }
}
