# Secret Manager secrets and who may read each one. Terraform creates the secrets, never
# their values: versions are added out of band (see terraform/README.md, bootstrap), so no
# secret material is ever in Terraform state or in this repository.

locals {
  accessors = merge([
    for name, secret in var.secrets : {
      for member in secret.accessors : "${name}|${member}" => { secret = name, member = member }
    }
  ]...)
}

resource "google_secret_manager_secret" "this" {
  for_each = var.secrets

  project   = var.project_id
  secret_id = each.key
  labels    = var.labels
  annotations = {
    description = each.value.description
  }

  replication {
    user_managed {
      dynamic "replicas" {
        for_each = toset(var.replica_locations)
        content {
          location = replicas.value
        }
      }
    }
  }
}

resource "google_secret_manager_secret_iam_member" "accessors" {
  for_each = local.accessors

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
