output "names" {
  description = "Function names."
  value       = [for name, _ in google_cloudfunctions2_function.this : name]
}

output "uris" {
  description = "URL of each function by name (internal ingress only)."
  value       = { for name, fn in google_cloudfunctions2_function.this : name => fn.service_config[0].uri }
}

output "subscription_ids" {
  description = "Push subscription id of each function that has a topic, by name."
  value       = { for name, sub in google_pubsub_subscription.push : name => sub.id }
}

output "eventarc_subscription_prefixes" {
  description = "Prefix of the subscription Eventarc creates for each function with an event trigger (eventarc-REGION-FUNCTION), for backlog alerts."
  value       = [for name, _ in local.triggered : "eventarc-${var.region}-${name}"]
}
