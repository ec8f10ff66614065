# dev: example values; replace the project, state bucket, billing account and e-mail with
# yours. No secrets belong in this file. The environment's shape is in main.tf.

project_id             = "quad-dev-example"
region                 = "asia-northeast3"
terraform_state_bucket = "quad-dev-example-tfstate"

web_origins = ["http://localhost:5173", "https://dev.quad.example"]

# No load balancer in dev: the API answers on its run.app URL. A host name here puts the
# edge in front (DNS, certificate: terraform/README.md).
edge_domain = null

# The relay and its login (SendGrid's username is apikey); the password is the secret
# smtp-password, never this file.
smtp_host     = "smtp.sendgrid.net"
smtp_username = "apikey"
mail_from     = "Quad (dev) <no-reply@dev.quad.example>"
web_base_url  = "https://dev.quad.example"

alert_emails    = ["quad-dev-alerts@example.com"]
billing_account = "012345-6789AB-CDEF01"
# Mostly the Composer environment (a few hundred a month whether or not DAGs run) and the
# database.
budget_amount   = 600
budget_currency = "USD"
