"""The web pages: a static, dependency-free front end over the JSON API, served under /app/.

The page holds no data of its own: its scripts call the API with the bearer token the user
brings in the URL fragment (`/app/#token=...`), which browsers never send to the server.
Every `/app/...` path serves the same page, so a page's address can be bookmarked and shared:
the path names the page, never the token.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from application.read_models.payment_records import LISTED_STATUSES
from interfaces.web.vocabulary import MODULE, vocabulary_js

# The page loads only its own scripts and styles and talks only to its own origin, so an
# injected script could neither run nor send a token elsewhere.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

router = APIRouter(include_in_schema=False)


@router.get("/app")
def app_root() -> RedirectResponse:
    # Relative, so the fragment (the token) survives and a path prefix would too.
    return RedirectResponse("app/", status_code=308)


@router.get("/app/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The one page; everything else it shows comes from the API."""
    # Deep pages sit at other depths, so the scripts and styles are named from the app's root
    # (behind a path prefix too); a <base> element would be refused by `base-uri 'none'`.
    root = f"{request.scope.get('root_path', '')}/app/"
    html = files("interfaces.web").joinpath("templates/index.html").read_text("utf-8")
    # The tabs of the ERP Integrations tool are the domain's export statuses, so a new one
    # shows up without an edit to the scripts.
    statuses = " ".join(status.value for status in LISTED_STATUSES)
    html = html.replace("{{export_statuses}}", statuses).replace(
        "{{module_preloads}}", module_preloads()
    )
    html = html.replace("{{app_root}}", root)
    return HTMLResponse(html, headers=PAGE_HEADERS)


def module_preloads() -> str:
    """A preload of every script module, so the browser fetches them all at once instead of
    finding each one only when a module that imports it has arrived (a chain four deep)."""
    static = files("interfaces.web").joinpath("static")
    names = sorted([MODULE, *(f.name for f in static.iterdir() if f.name.endswith(".js"))])
    return "\n  ".join(
        f'<link rel="modulepreload" href="{{{{app_root}}}}static/{name}">' for name in names
    )


@router.get("/app/{page:path}", response_class=HTMLResponse)
def deep_link(request: Request, page: str) -> HTMLResponse:
    """A bookmarked page, e.g. /app/funding-accounts/ID: the same page, which shows it."""
    return index(request)


def vocabulary(request: Request) -> Response:
    return Response(
        vocabulary_js(),
        media_type="text/javascript",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def mount_web(app: FastAPI) -> None:
    """Serve the pages at /app/ and their scripts and styles at /app/static/."""
    # The written module and the static files first: the pages' catch-all path would
    # otherwise answer for them.
    app.add_api_route(f"/app/static/{MODULE}", vocabulary, include_in_schema=False)
    app.mount(
        "/app/static",
        StaticFiles(packages=[("interfaces.web", "static")]),
        name="web-static",
    )
    app.include_router(router)
