# Cloud SQL for PostgreSQL: private IP only, IAM database authentication (no passwords),
# TLS required, Cloud SQL connectors required, automated backups with point-in-time
# recovery, a maintenance window, Query Insights and the logging flags.

locals {
  iam_user_names = {
    for key, user in var.iam_users : key => trimsuffix(user.email, ".gserviceaccount.com")
  }
}

resource "google_sql_database_instance" "this" {
  #checkov:skip=CKV_GCP_79:PostgreSQL 16 on purpose: the embedded database used locally and in tests is 16; upgrade both together.
  #checkov:skip=CKV2_GCP_13:log_duration would write a log line for every statement (cost, noise); Query Insights records statement latency.
  project             = var.project_id
  name                = var.name
  region              = var.region
  database_version    = var.database_version
  deletion_protection = var.deletion_protection

  settings {
    edition                     = var.edition
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    disk_autoresize_limit       = var.disk_autoresize_limit_gb
    deletion_protection_enabled = var.deletion_protection
    connector_enforcement       = var.connector_enforcement
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      ssl_mode                                      = var.ssl_mode
      enable_private_path_for_google_cloud_services = false
    }

    backup_configuration {
      enabled                        = true
      start_time                     = var.backup_start_time
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = var.transaction_log_retention_days

      backup_retention_settings {
        retained_backups = var.retained_backups
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = var.maintenance_day
      hour         = var.maintenance_hour
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      query_string_length     = 1024
      record_application_tags = true
      record_client_address   = false
      query_plans_per_minute  = 5
    }

    # IAM database authentication: workloads log in with their service account's token.
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }

    # Every client pool must fit under this (the environment's connection budget).
    database_flags {
      name  = "max_connections"
      value = tostring(var.max_connections)
    }

    # The logging flags: connections and who made them, lock waits, temporary files, DDL,
    # checkpoints, errors with the statement that caused them, pgAudit for DDL and role
    # changes. Statement durations come from Query Insights rather than a log line per query.
    database_flags {
      name  = "log_connections"
      value = "on"
    }

    database_flags {
      name  = "log_disconnections"
      value = "on"
    }

    database_flags {
      name  = "log_hostname"
      value = "on"
    }

    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }

    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }

    database_flags {
      name  = "log_temp_files"
      value = "0"
    }

    database_flags {
      name  = "log_statement"
      value = "ddl"
    }

    database_flags {
      name  = "log_min_messages"
      value = "error"
    }

    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }

    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }

    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }

    database_flags {
      name  = "pgaudit.log"
      value = "ddl,role"
    }

    dynamic "database_flags" {
      for_each = var.extra_flags
      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }
}

resource "google_sql_database" "this" {
  project   = var.project_id
  name      = var.database_name
  instance  = google_sql_database_instance.this.name
  charset   = "UTF8"
  collation = "en_US.UTF8"
  # Dropping the database is never Terraform's job; the instance's protection covers prod.
  deletion_policy = "ABANDON"
}

# IAM database users: each workload's service account logs in with an IAM token; the user
# name is the email without ".gserviceaccount.com". Their privileges are PostgreSQL roles
# granted by Cloud SQL (database_roles): cloudsqlsuperuser for the schema owner,
# pg_read_all_data / pg_write_all_data for the others; the read-only analytics user gets a
# role with column grants made by a migration (quad_analytics_reader).
resource "google_sql_user" "iam" {
  for_each = var.iam_users

  project         = var.project_id
  instance        = google_sql_database_instance.this.name
  name            = local.iam_user_names[each.key]
  type            = "CLOUD_IAM_SERVICE_ACCOUNT"
  database_roles  = each.value.database_roles
  deletion_policy = "ABANDON"
}
