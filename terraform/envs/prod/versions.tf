# Pinned providers: upgrades are a deliberate change to these lines (then
# `terraform init -upgrade` in Cloud Build commits a new .terraform.lock.hcl).
terraform {
  required_version = ">= 1.11.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.44.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "2.7.1"
    }
  }

  # State lives in a GCS bucket given at init time:
  #   terraform init -backend-config=backend.hcl
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region

  # Bill API quota to this project (the Billing Budgets API requires a quota project when
  # applying with user credentials).
  user_project_override = true
  billing_project       = var.project_id
}
