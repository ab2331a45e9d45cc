"""The web service: the HTTP API, an OpenAI-compatible endpoint, the review desk, the widget and the web UI.

Read top-down: :mod:`.serve` (the command line: ``python app.py`` / ``assistant serve``) runs
:func:`.app.create_app` (the app factory), which puts :mod:`.guard` (middleware) in front of the routers of
:mod:`.routes` and :mod:`.admin`; they share one :class:`.service.Service` (the assistant, the log, the
chat :mod:`.sessions`) and speak the shapes of :mod:`.schemas`, failing as :mod:`.errors` says.
:mod:`.desk` is what the review desk reads of answers; :mod:`.ui` the gradio UI; :mod:`.httpserver` the
wire limits of the uvicorn we run; ``static/`` the widget script, the UI's CSS and the desk's page.
The log itself (:mod:`assistant.store`) stays outside: the CLI and the annotations use it too.
"""
from .app import create_app
from .serve import build_parser, main, worker_app
from .settings import ServerSettings, parse_admin_keys

__all__ = ["create_app", "main", "build_parser", "worker_app", "ServerSettings", "parse_admin_keys"]
