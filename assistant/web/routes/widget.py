"""``GET /widget.js``: the embeddable chat bubble (static/widget.js), loadable from any origin."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter()
_WIDGET_JS = (STATIC / "widget.js").read_bytes()


@router.get("/widget.js", include_in_schema=False)
def widget():
    return Response(_WIDGET_JS, media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})
