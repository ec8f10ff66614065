# Secret Manager secrets and who may read each one. Terraform creates the secrets, never
# their values: versions are added out of band (see terraform/README.md, bootstrap), so no
# secret material is ever in Terraform state or in this repository. Roles on a secret: `iam`
# is authoritative per role, `iam_bindings_additive` adds single members (README: which to use).

locals {
  secret_iam = merge([
    for name, secret in var.secrets : {
      for role, members in secret.iam : "${name}|${role}" => { secret = name, role = role, members = members }
    }
  ]...)

  secret_iam_additive = merge([
    for name, secret in var.secrets : {
      for key, b in secret.iam_bindings_additive : "${name}|${key}" => { secret = name, role = b.role, member = b.member }
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

# Each listed role has exactly these members on the secret: whoever else held it loses it.
resource "google_secret_manager_secret_iam_binding" "authoritative" {
  for_each = local.secret_iam

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = each.value.role
  members   = each.value.members
}

# One member more in a role on the secret; other holders of the role are left alone.
resource "google_secret_manager_secret_iam_member" "bindings" {
  for_each = local.secret_iam_additive

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = each.value.role
  member    = each.value.member
}

# Secrets' `accessors` (additive) became `iam`. Forget those grants instead of revoking
# them: the resources above take them over, and destroying the old ones would revoke
# members the new ones have just granted. Harmless once every environment has applied it.
removed {
  from = google_secret_manager_secret_iam_member.accessors

  lifecycle {
    destroy = false
  }
}
