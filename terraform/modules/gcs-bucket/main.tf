# A private bucket: uniform bucket-level access, public access prevention enforced,
# versioning, optional CORS and lifecycle rules, and roles on the bucket only: `iam` is
# authoritative per role, `iam_bindings_additive` adds single members (README: which to use).
# (Object events reach functions through Eventarc triggers, see the functions module.)

resource "google_storage_bucket" "this" {
  #checkov:skip=CKV_GCP_62:Access is recorded by Cloud Audit Logs; legacy usage-log buckets would add a second bucket per bucket and no information.
  project                     = var.project_id
  name                        = var.name
  location                    = var.location
  storage_class               = var.storage_class
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = var.versioning
  }

  soft_delete_policy {
    retention_duration_seconds = var.soft_delete_retention_seconds
  }

  dynamic "cors" {
    for_each = var.cors
    content {
      origin          = cors.value.origins
      method          = cors.value.methods
      response_header = cors.value.response_headers
      max_age_seconds = cors.value.max_age_seconds
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.lifecycle_rules
    content {
      action {
        type          = lifecycle_rule.value.action
        storage_class = lifecycle_rule.value.storage_class
      }
      condition {
        age                        = lifecycle_rule.value.age
        matches_prefix             = lifecycle_rule.value.matches_prefix
        with_state                 = lifecycle_rule.value.with_state
        days_since_noncurrent_time = lifecycle_rule.value.days_since_noncurrent_time
        num_newer_versions         = lifecycle_rule.value.num_newer_versions
      }
    }
  }
}

# Each listed role has exactly these members on the bucket: whoever else held it loses it.
resource "google_storage_bucket_iam_binding" "authoritative" {
  for_each = var.iam

  bucket  = google_storage_bucket.this.name
  role    = each.key
  members = each.value
}

# One member more in a role; other holders of the role are left alone.
resource "google_storage_bucket_iam_member" "bindings" {
  for_each = var.iam_bindings_additive

  bucket = google_storage_bucket.this.name
  role   = each.value.role
  member = each.value.member
}

# `iam` used to be additive (google_storage_bucket_iam_member.this). Forget those grants
# instead of revoking them: the resources above take them over, and destroying the old ones
# would revoke members the new ones have just granted. Harmless once every environment
# has applied it.
removed {
  from = google_storage_bucket_iam_member.this

  lifecycle {
    destroy = false
  }
}
