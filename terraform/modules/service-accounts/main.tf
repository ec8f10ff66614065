# One service account per workload, its project-level roles, and who may use it (roles on
# the account itself, e.g. the deployer's serviceAccountUser). Resource-level grants (a
# topic, a bucket, a secret) are made by the module that owns the resource. No keys are
# ever created: workloads get their identity from the platform.
#
# Project roles are additive (the project's policy is shared with everything else). Roles
# on an account: `iam` is authoritative per role, `iam_bindings_additive` adds single
# members (README: which to use).

locals {
  emails = {
    for name, _ in var.accounts : name => "${name}@${var.project_id}.iam.gserviceaccount.com"
  }

  project_roles = merge([
    for name, account in var.accounts : {
      for role in account.project_roles : "${name}|${role}" => { account = name, role = role }
    }
  ]...)

  account_iam = merge([
    for name, account in var.accounts : {
      for role, members in account.iam : "${name}|${role}" => { account = name, role = role, members = members }
    }
  ]...)

  account_iam_additive = merge([
    for name, account in var.accounts : {
      for key, b in account.iam_bindings_additive : "${name}|${key}" => { account = name, role = b.role, member = b.member }
    }
  ]...)
}

resource "google_service_account" "this" {
  for_each = var.accounts

  project      = var.project_id
  account_id   = each.key
  display_name = each.value.display_name
  description  = each.value.description
}

resource "google_project_iam_member" "this" {
  for_each = local.project_roles

  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.this[each.value.account].email}"
}

# Each listed role has exactly these members on the account: whoever else held it loses it.
resource "google_service_account_iam_binding" "authoritative" {
  for_each = local.account_iam

  service_account_id = google_service_account.this[each.value.account].name
  role               = each.value.role
  members            = each.value.members
}

# One member more in a role on the account; other holders of the role are left alone.
resource "google_service_account_iam_member" "bindings" {
  for_each = local.account_iam_additive

  service_account_id = google_service_account.this[each.value.account].name
  role               = each.value.role
  member             = each.value.member
}

# Accounts' `iam` used to be additive (google_service_account_iam_member.this). Forget
# those grants instead of revoking them: the resources above take them over, and destroying
# the old ones would revoke members the new ones have just granted. Harmless once every
# environment has applied it.
removed {
  from = google_service_account_iam_member.this

  lifecycle {
    destroy = false
  }
}
