# A Docker repository with cleanup: the newest versions are kept, older ones deleted.
# Tags are immutable by default (the API's images are tagged with their commit); a
# repository whose writer re-tags, like the Cloud Functions builds (they move `latest`),
# turns that off. Roles on the repository: `iam` is authoritative per role,
# `iam_bindings_additive` adds single members (README: which to use).

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

# Each listed role has exactly these members on the repository: whoever else held it loses it.
resource "google_artifact_registry_repository_iam_binding" "authoritative" {
  for_each = var.iam

  project    = var.project_id
  location   = google_artifact_registry_repository.this.location
  repository = google_artifact_registry_repository.this.name
  role       = each.key
  members    = each.value
}

# One member more in a role; other holders of the role are left alone.
resource "google_artifact_registry_repository_iam_member" "bindings" {
  for_each = var.iam_bindings_additive

  project    = var.project_id
  location   = google_artifact_registry_repository.this.location
  repository = google_artifact_registry_repository.this.name
  role       = each.value.role
  member     = each.value.member
}

# `iam` used to be additive (google_artifact_registry_repository_iam_member.this). Forget
# those grants instead of revoking them: the resources above take them over, and destroying
# the old ones would revoke members the new ones have just granted. Harmless once every
# environment has applied it.
removed {
  from = google_artifact_registry_repository_iam_member.this

  lifecycle {
    destroy = false
  }
}
