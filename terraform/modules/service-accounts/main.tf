# One service account per workload, its project-level roles, and who may use it (roles on
# the account itself, e.g. the deployer's serviceAccountUser). Resource-level grants (a
# topic, a bucket, a secret) are made by the module that owns the resource. No keys are
# ever created: workloads get their identity from the platform.

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
    for name, account in var.accounts : merge([
      for role, members in account.iam : {
        for member in members : "${name}|${role}|${member}" => {
          account = name
          role    = role
          member  = member
        }
      }
    ]...)
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

resource "google_service_account_iam_member" "this" {
  for_each = local.account_iam

  service_account_id = google_service_account.this[each.value.account].name
  role               = each.value.role
  member             = each.value.member
}
