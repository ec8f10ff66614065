# dev: small and cheap, scales to zero, easy to tear down. Example values: replace the
# project, billing account and e-mail with yours. No secrets belong in this file.

project_id  = "quad-dev-example"
region      = "asia-northeast3"
environment = "dev"

# API: 1 vCPU, one uvicorn worker, up to 3 instances.
api_cpu           = "1"
api_memory        = "512Mi"
api_workers       = 1
api_concurrency   = 20
api_min_instances = 0
api_max_instances = 3

# Cloud SQL: 1 vCPU / 3.75 GB, single zone. Connection budget (see main.tf):
# reserved 15 + API 7x1x3=21 + migrate 7 + functions 2x4x3=24 + analytics 4 = 71 <= 100.
db_tier              = "db-custom-1-3840"
db_availability_type = "ZONAL"
db_max_connections   = 100
deletion_protection  = false

upload_cors_origins = ["http://localhost:5173", "https://dev.quad.example"]

# Pending issues: the functions (events) and Composer (analytics).
functions_enabled = false
composer_enabled  = false

alert_emails    = ["quad-dev-alerts@example.com"]
billing_account = "012345-6789AB-CDEF01"
budget_amount   = 150
budget_currency = "USD"
