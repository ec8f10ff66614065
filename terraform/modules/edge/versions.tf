# Modules state the lowest provider they need; the environment roots pin the exact version.
terraform {
  required_version = ">= 1.11.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.44.0, < 8.0.0"
    }
  }
}
