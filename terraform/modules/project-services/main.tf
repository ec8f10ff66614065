# The APIs an environment uses. Disabling on destroy is off: turning an API off can break
# resources Terraform does not manage (and other stacks in the same project).

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "this" {
  for_each = toset(var.services)

  project                    = var.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}
