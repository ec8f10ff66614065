# terraform init -backend-config=backend.hcl  (example: the state bucket of your dev project)
bucket = "quad-dev-example-tfstate"
prefix = "quad/dev"
