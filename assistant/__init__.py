"""规划助手: a cited question-answering assistant for the CAST 14th Five-Year Plan."""
from .core import Assistant
from .errors import AssistantError, InputError, NotFound, StructureError
from .models import Answer, Citation, RetrievedPassage

__version__ = "0.1.0"
__all__ = ["Assistant", "Answer", "Citation", "RetrievedPassage", "AssistantError", "InputError",
           "NotFound", "StructureError", "__version__"]
