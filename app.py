"""规划助手 web app: ``python app.py [--host 127.0.0.1] [--port 7860]``.

Serves the chat UI at /, the JSON API at /api, an OpenAI-compatible endpoint
at /v1, the embeddable widget at /widget.js and the API docs at /docs.
Same as ``assistant serve``; ``python app.py --help`` lists the options.
"""
import sys

from assistant.web import main

if __name__ == "__main__":
    sys.exit(main())
