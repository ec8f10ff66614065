output "topic_ids" {
  description = "Topic id (projects/P/topics/NAME) by topic name."
  value       = { for name, topic in google_pubsub_topic.this : name => topic.id }
}

output "dead_letter_topic_ids" {
  description = "Dead-letter topic id by source topic name."
  value       = { for name, topic in google_pubsub_topic.dead_letter : name => topic.id }
}

output "dead_letter_subscription_names" {
  description = "Names of the hold subscriptions on the dead-letter topics (watched by the backlog alert)."
  value       = [for sub in google_pubsub_subscription.dead_letter_hold : sub.name]
}

output "subscription_ids" {
  description = "Subscription id by subscription name."
  value       = { for name, sub in google_pubsub_subscription.this : name => sub.id }
}
