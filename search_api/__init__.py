"""The HTTP entry point: a FastAPI app over the service layer."""
