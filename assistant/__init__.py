"""规划助手: a cited question-answering assistant for the CAST 14th Five-Year Plan."""
from .errors import AssistantError, InputError, NotFound, StructureError
from .models import Answer, Citation, RetrievedPassage

__version__ = "0.1.0"


def __getattr__(name: str):
    # Assistant pulls in chromadb and langchain; load them only when it is used,
    # so `assistant tasks` and `assistant show` start fast
    if name == "Assistant":
        from .core import Assistant

        return Assistant
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
__all__ = ["Assistant", "Answer", "Citation", "RetrievedPassage", "AssistantError", "InputError",
           "NotFound", "StructureError", "__version__"]
