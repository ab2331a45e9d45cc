"""The endpoints, one router an area, in the order :func:`~assistant.web.app.create_app` mounts them:
ask/chat, the plan, feedback, quizzes, health, the OpenAI-compatible layer (/v1), then the catch-all
for unknown /api and /v1 paths and the widget script. The review desk's router is
:mod:`assistant.web.admin`; the gradio UI is :mod:`assistant.web.ui`."""
from .ask import router as ask_router
from .feedback import router as feedback_router
from .health import router as health_router
from .openai import router as openai_router
from .plan import router as plan_router
from .quiz import router as quiz_router
from .fallback import router as fallback_router
from .widget import router as widget_router

__all__ = ["ask_router", "plan_router", "feedback_router", "quiz_router", "health_router", "openai_router",
           "fallback_router", "widget_router"]
