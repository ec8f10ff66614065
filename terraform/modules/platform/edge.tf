# The edge, when edge_domain is set: the global external Application Load Balancer with
# Cloud Armor in front of the API, and the upload bucket's images through Cloud CDN on the
# same host. The API's ingress then admits only the load balancer (api.tf), and the
# settings that depend on what is in front of it are decided here.

locals {
  edge_on = var.edge_domain != null
  # Images through the CDN once its signing key has been added (terraform/README.md).
  image_cdn_on = local.edge_on && var.image_cdn_key_name != null

  # X-Forwarded-For entries our own proxies append (api/core/client.py): on its run.app URL
  # Cloud Run's front end appends the caller; through the load balancer the header reads
  # "<client>, <load balancer>" (the load balancer writes both, Cloud Run adds nothing).
  trusted_proxy_hops = local.edge_on ? 2 : 1

  api_ingress = local.edge_on ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL"

  # Cloud CDN reads the private bucket for signed requests as this Google-managed account
  # (it exists once a signed URL key has been added to a backend).
  cdn_fill_member = "serviceAccount:service-${module.services.project_number}@cloud-cdn-fill.iam.gserviceaccount.com"

  # IMAGE_CDN_URL_WINDOW_SECONDS is in local.storage_env: the upload function reads it too.
  image_cdn_env = local.image_cdn_on ? {
    IMAGE_CDN_BASE_URL = "https://${var.edge_domain}"
    IMAGE_CDN_KEY_NAME = var.image_cdn_key_name
  } : {}
  # Key images-N is version N of the secret, read pinned: a revision never pairs one key's
  # name with another key's value, even while a rotation adds a version (not "latest").
  image_cdn_secret_env = local.image_cdn_on ? {
    IMAGE_CDN_KEY = {
      secret  = module.secrets.names["image-cdn-signing-key"]
      version = regex("-([0-9]+)$", var.image_cdn_key_name)[0]
    }
  } : {}
}

# The service is named by a literal, not by the API module's output: the edge can be
# applied alone first (-target, terraform/README.md) without the API being switched to it.
# The bucket by its output, which waits for the bucket alone (not for its roles).
module "edge" {
  source              = "../edge"
  count               = local.edge_on ? 1 : 0
  project_id          = module.services.project_id
  region              = var.region
  name                = "quad-edge"
  domain              = var.edge_domain
  cloud_run_service   = local.api_service_name
  waf_preview         = var.edge_waf_preview
  denied_ip_ranges    = var.edge_denied_ip_ranges
  rate_limit          = var.edge_rate_limit
  images_bucket       = module.uploads_bucket.name
  image_cache_seconds = var.image_url_window_seconds
  labels              = local.labels
}
