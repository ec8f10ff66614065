# prod: highly available database, one warm API instance, deletion protection on.
# Example values: replace the project, billing account and e-mail with yours. No secrets
# belong in this file.

project_id  = "quad-prod-example"
region      = "asia-northeast3"
environment = "prod"

# API: 2 vCPU, two uvicorn workers, one warm instance, up to 8.
api_cpu           = "2"
api_memory        = "1Gi"
api_workers       = 2
api_concurrency   = 40
api_min_instances = 1
api_max_instances = 8

# Cloud SQL: 2 vCPU / 8 GB with a standby in a second zone. Connection budget (main.tf):
# reserved 15 + API 7x2x8=112 + migrate 7 + functions 2x4x3=24 + analytics 4 = 162 <= 200.
db_tier              = "db-custom-2-8192"
db_availability_type = "REGIONAL"
db_disk_size_gb      = 50
db_max_connections   = 200
deletion_protection  = true

upload_cors_origins = ["https://quad.example", "https://www.quad.example"]

# Pending issues: the functions (events) and Composer (analytics).
functions_enabled = false
composer_enabled  = false

analytics_readers = ["group:quad-analysts@example.com"]

alert_emails    = ["quad-oncall@example.com"]
billing_account = "012345-6789AB-CDEF01"
budget_amount   = 1500
budget_currency = "USD"
