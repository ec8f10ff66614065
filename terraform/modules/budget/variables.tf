variable "billing_account" {
  type        = string
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) the project is billed to."

  validation {
    condition     = can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account))
    error_message = "billing_account looks like 012345-6789AB-CDEF01."
  }
}

variable "project_number" {
  type        = string
  description = "Number of the project whose spend is budgeted."
}

variable "display_name" {
  type        = string
  description = "Budget name shown in the billing console."
}

variable "amount" {
  type        = number
  description = "Monthly budget in whole units of the currency."
}

variable "currency_code" {
  type        = string
  description = "Currency of the amount; must be the billing account's currency."
  default     = "USD"
}

variable "thresholds" {
  type        = list(number)
  description = "Shares of the budget (actual spend) that send an alert."
  default     = [0.5, 0.75, 0.9, 1.0]
}

variable "forecast_thresholds" {
  type        = list(number)
  description = "Shares of the budget (forecast spend for the month) that send an alert."
  default     = [1.0]
}

variable "notification_channel_ids" {
  type        = list(string)
  description = "Monitoring notification channels that also receive budget alerts (at most 5)."
  default     = []
}
