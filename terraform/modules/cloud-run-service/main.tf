# A Cloud Run service with its own service account, Direct VPC egress (private ranges
# only), env vars and Secret Manager secrets as env vars, startup and liveness probes,
# min/max instances, per-instance concurrency and startup CPU boost.
#
# Terraform owns the service's shape; Cloud Build owns what runs in it: it deploys each
# commit's image as a new revision with no traffic, smoke-tests it, then moves traffic.
# The image, the traffic split and the client annotations are therefore ignored here, so
# an apply never rolls back a deploy.

resource "google_cloud_run_v2_service" "this" {
  project              = var.project_id
  name                 = var.name
  location             = var.region
  description          = var.description
  ingress              = var.ingress
  invoker_iam_disabled = var.public
  deletion_protection  = var.deletion_protection
  labels               = var.labels

  template {
    service_account                  = var.service_account_email
    timeout                          = "${var.request_timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    labels                           = var.labels

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnet_id
      }
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret
              version = env.value.version
            }
          }
        }
      }

      # Ready means the database answers: no traffic before that.
      startup_probe {
        http_get {
          path = var.startup_probe_path
        }
        initial_delay_seconds = 0
        period_seconds        = 2
        timeout_seconds       = 2
        failure_threshold     = 30
      }

      # Alive means the process serves HTTP; a database outage must not restart instances.
      liveness_probe {
        http_get {
          path = var.liveness_probe_path
        }
        period_seconds    = 15
        timeout_seconds   = 3
        failure_threshold = 3
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  lifecycle {
    ignore_changes = [
      template[0].containers[0].image,
      template[0].revision,
      traffic,
      client,
      client_version,
    ]
  }
}
