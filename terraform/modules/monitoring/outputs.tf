output "notification_channel_ids" {
  description = "Notification channel ids (also used by the budget)."
  value       = local.channels
}

output "uptime_check_id" {
  description = "Id of the /healthz uptime check."
  value       = google_monitoring_uptime_check_config.api.uptime_check_id
}

output "alert_policy_ids" {
  description = "Alert policy ids by purpose."
  value = merge(
    {
      uptime          = google_monitoring_alert_policy.uptime.id
      api_5xx         = google_monitoring_alert_policy.api_5xx.id
      api_latency     = google_monitoring_alert_policy.api_latency.id
      sql_cpu         = google_monitoring_alert_policy.sql_cpu.id
      sql_connections = google_monitoring_alert_policy.sql_connections.id
    },
    { for p in google_monitoring_alert_policy.dead_letters : "dead_letters" => p.id },
    { for p in google_monitoring_alert_policy.eventarc_backlog : "eventarc_backlog" => p.id },
    { for p in google_monitoring_alert_policy.dag_failures : "dag_failures" => p.id },
    { for p in google_monitoring_alert_policy.ban_surge : "ban_surge" => p.id },
  )
}
