"""Real time's adapters: events shaped for one console as the REST API shapes them, and API Gateway's @connections."""
