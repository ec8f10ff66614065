# terraform init -backend-config=backend.hcl  (example: the state bucket of your prod project)
bucket = "quad-prod-example-tfstate"
prefix = "quad/prod"
