variable "project_id" {
  type        = string
  description = "Project of the load balancer and its Cloud Run service."
}

variable "region" {
  type        = string
  description = "Region of the Cloud Run service (and of its serverless NEG)."
}

variable "name" {
  type        = string
  description = "Prefix of every resource's name."
  default     = "quad-edge"
}

variable "domain" {
  type        = string
  description = "The API's host name (api.quad.example): the managed certificate's only domain; its DNS A record must point at the address output."

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lower-case host name such as api.quad.example (no scheme, no path)."
  }
}

variable "cloud_run_service" {
  type        = string
  description = "Name of the Cloud Run service behind the serverless NEG (its ingress should be INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER)."
}

variable "waf_rules" {
  type = map(object({
    rule_set    = string
    sensitivity = number
  }))
  description = "Preconfigured WAF rule sets denied with 403, name => rule set and sensitivity (1-4; lower: fewer signatures, fewer false positives). README says why these levels."
  default = {
    sqli             = { rule_set = "sqli-v422-stable", sensitivity = 1 }
    xss              = { rule_set = "xss-v422-stable", sensitivity = 1 }
    lfi              = { rule_set = "lfi-v422-stable", sensitivity = 1 }
    rce              = { rule_set = "rce-v422-stable", sensitivity = 1 }
    scannerdetection = { rule_set = "scannerdetection-v422-stable", sensitivity = 2 }
  }

  validation {
    condition     = alltrue([for r in values(var.waf_rules) : r.sensitivity >= 1 && r.sensitivity <= 4])
    error_message = "A WAF rule's sensitivity is 1 to 4 (0 would turn every signature off)."
  }
}

variable "waf_preview" {
  type        = bool
  description = "Only log what the WAF rules would deny (preview), without denying it: for tuning before enforcing. The Log4j rule, the deny list and the rate-based ban are always enforced."
  default     = false
}

variable "denied_ip_ranges" {
  type        = list(string)
  description = "Client addresses or CIDR ranges refused with 403 before any other rule."
  default     = []
}

variable "rate_limit" {
  type = object({
    requests             = optional(number, 3000)
    interval_seconds     = optional(number, 60)
    ban_requests         = optional(number, 6000)
    ban_interval_seconds = optional(number, 300)
    ban_seconds          = optional(number, 600)
  })
  description = "Rate-based ban per client address: over requests per interval_seconds, requests get 429; over ban_requests per ban_interval_seconds, the address gets 429 for ban_seconds. An address is often a whole campus behind one NAT."
  default     = {}
  nullable    = false

  # The intervals Cloud Armor accepts, refused at plan rather than at apply.
  validation {
    condition = alltrue([
      for seconds in [var.rate_limit.interval_seconds, var.rate_limit.ban_interval_seconds] :
      contains([10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600], seconds)
    ])
    error_message = "rate_limit intervals are one of 10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700 or 3600 seconds."
  }

  validation {
    condition     = var.rate_limit.ban_requests >= var.rate_limit.requests && var.rate_limit.ban_seconds > 0
    error_message = "rate_limit.ban_requests must be at least requests (a ban is for clients far over the rate), and ban_seconds positive."
  }
}

variable "log_sample_rate" {
  type        = number
  description = "Share of requests logged by the API's backend service (each entry carries the security policy's decision); 1 logs all."
  default     = 1
}

variable "log_level" {
  type        = string
  description = "Cloud Armor log level: NORMAL, or VERBOSE (which signature matched, for tuning the WAF rules)."
  default     = "NORMAL"

  validation {
    condition     = contains(["NORMAL", "VERBOSE"], var.log_level)
    error_message = "log_level is NORMAL or VERBOSE."
  }
}

variable "images_bucket" {
  type        = string
  description = "Bucket whose images/ are served at https://DOMAIN/images/ through Cloud CDN (signed URLs only); null serves no images."
  default     = null
}

variable "image_cache_seconds" {
  type        = number
  description = "Longest time Cloud CDN keeps a signed image response (and tells browsers to): the API's image URL window."
  default     = 300
}

variable "labels" {
  type        = map(string)
  description = "Labels on the address and the forwarding rules."
  default     = {}
}
