"""Cloud Functions (2nd gen): event handlers around the API's domain services."""
