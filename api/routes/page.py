"""The web page: ``/`` (one HTML shell; plain JavaScript modules under /static, no build step),
``/static/...`` (those modules and the browser libraries that the wheel build copied from npm into
api/static/vendor), and ``/docs`` (Swagger UI from those same files: it works with no network).

Nothing here reaches the internet: every script, style sheet and map layer the page loads is a file
of the package. Without the libraries (an install that skipped the build hook), the page says how
to get them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParameter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

router = APIRouter(tags=["page"])
STATIC = Path(__file__).resolve().parent.parent / "static"
PAGE = STATIC / "index.html"
SWAGGER = "/static/vendor/swagger-ui"
_FILES = StaticFiles(directory=STATIC, check_dir=False)  # its lookup refuses paths out of the folder


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")


@router.get("/static/{path:path}", include_in_schema=False)
async def static(request: Request, path: Annotated[str, PathParameter()]) -> Response:
    """A file of the page (404 in the one error shape for anything else)."""
    return await _FILES.get_response(path, request.scope)


@router.get("/docs", include_in_schema=False)
async def docs(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json, its script and style from the package, not a CDN."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} - API",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
    )
