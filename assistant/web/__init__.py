"""The web service: the HTTP API, an OpenAI-compatible endpoint, the review desk, the widget and the web UI."""
from .app import ServerSettings, create_app, main, worker_app

__all__ = ["create_app", "main", "worker_app", "ServerSettings"]
