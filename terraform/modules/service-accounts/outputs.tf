output "emails" {
  description = "Email of each account by account id (known at plan time, usable in for_each keys)."
  value       = local.emails
  depends_on  = [google_service_account.this]
}

output "members" {
  description = "IAM member string (serviceAccount:EMAIL) of each account by account id."
  value       = { for name, email in local.emails : name => "serviceAccount:${email}" }
  depends_on  = [google_service_account.this]
}

output "ids" {
  description = "Resource id (projects/P/serviceAccounts/EMAIL) of each account by account id."
  value       = { for name, account in google_service_account.this : name => account.name }
}
