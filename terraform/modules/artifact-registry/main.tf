# A Docker repository with cleanup: the newest versions are kept, older ones deleted.
# Tags are immutable by default (the API's images are tagged with their commit); a
# repository whose writer re-tags, like the Cloud Functions builds (they move `latest`),
# turns that off.

locals {
  bindings = merge([
    for role, members in var.iam : {
      for member in members : "${role}|${member}" => { role = role, member = member }
    }
  ]...)
}

resource "google_artifact_registry_repository" "this" {
  #checkov:skip=CKV_GCP_84:Google-managed encryption; CMEK would add a KMS key ring to operate for no requirement we have.
  project       = var.project_id
  location      = var.region
  repository_id = var.name
  description   = var.description
  format        = "DOCKER"
  labels        = var.labels

  docker_config {
    immutable_tags = var.immutable_tags
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_recent_versions
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${var.delete_older_than_days * 86400}s"
    }
  }
}

resource "google_artifact_registry_repository_iam_member" "this" {
  for_each = local.bindings

  project    = var.project_id
  location   = google_artifact_registry_repository.this.location
  repository = google_artifact_registry_repository.this.name
  role       = each.value.role
  member     = each.value.member
}
