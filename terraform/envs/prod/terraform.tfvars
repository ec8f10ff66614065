# prod: example values; replace the project, state bucket, billing account and e-mail with
# yours. No secrets belong in this file. The environment's shape is in main.tf.

project_id             = "quad-prod-example"
region                 = "asia-northeast3"
terraform_state_bucket = "quad-prod-example-tfstate"

web_origins = ["https://quad.example", "https://www.quad.example"]

# The API's host behind the edge load balancer: its DNS A record points at the output
# edge_address.
edge_domain = "api.quad.example"

# The relay and its login (SendGrid's username is apikey); the password is the secret
# smtp-password, never this file.
smtp_host     = "smtp.sendgrid.net"
smtp_username = "apikey"
mail_from     = "Quad <no-reply@quad.example>"
web_base_url  = "https://quad.example"

analytics_readers = ["group:quad-analysts@example.com"]

alert_emails    = ["quad-oncall@example.com"]
billing_account = "012345-6789AB-CDEF01"
budget_amount   = 1500
budget_currency = "USD"
