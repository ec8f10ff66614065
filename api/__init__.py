# Every route of the API is under this prefix (api/main.py applies it once).
API_PREFIX = "/v1"
