"""The explorer's web app (Starlette): the page, its static files, and one JSON endpoint per question it asks.

Every endpoint takes a JSON object (``Content-Type: application/json``, at most
``validate.MAX_BODY_BYTES``) and answers JSON; a refusal is ``{"error": message}`` with status
400 (the command line's message), a missing program such as pdflatex 501, a bug of ours 500
with one line (the traceback goes to the server's log, never to the page). Requiring JSON
also keeps other web sites out: a page elsewhere cannot send it without the browser asking
this server first, and it is never told yes.

    POST /api/network        {network}                   → the diagram, layers and units
    POST /api/unit           {network, layer, unit}      → z and a in three forms (MathML)
    POST /api/collapse       {network}                   → w′·x + b′, or the counterexample and its checked proof
    POST /api/collapse/proof {network}                   → the checked derivation (proof, verified, report)
    POST /api/params         {network, seed}             → random weights and biases
    POST /api/numbers        {network, weights, biases, inputs, targets?, loss?, check?} → z, a, loss, δ, ∂L/∂W
    POST /api/dataset        {dataset, data_seed?}       → a toy data set's points and labels
    POST /api/train          {network, dataset, …}       → streamed lines of JSON (application/x-ndjson)
    POST /api/digits         {classes}                   → the digit network, its weight pictures, the glyphs
    POST /api/digits/predict {classes, pixels}           → z, output and prediction for a drawing
    POST /api/export         {panel, format, …}          → a .tex, .pdf or .html file
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
import threading
import traceback
from importlib.resources import files
from typing import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from symnn.app.explore import digits_panel, exports, panels, playground, validate
from symnn.app.explore.spec import read_spec
from symnn.errors import InvalidArgumentError, MissingDependency, SymnnError

LOG = logging.getLogger("symnn.explore")
STATIC = files("symnn.app.explore") / "static"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


class TooLarge(InvalidArgumentError):
    """A request body beyond validate.MAX_BODY_BYTES (answered 413)."""


async def read_json(request: Request) -> dict:
    """The body as a JSON object, refused if it is not JSON or longer than MAX_BODY_BYTES (read no further)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise InvalidArgumentError("send the request as JSON (Content-Type: application/json), not "
                                   f"{kind or 'nothing'}")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > validate.MAX_BODY_BYTES:
        raise TooLarge(f"the request is {int(declared):,} bytes, more than the {validate.MAX_BODY_BYTES:,} the "
                       "explorer reads")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > validate.MAX_BODY_BYTES:
            raise TooLarge(f"the request is more than the {validate.MAX_BODY_BYTES:,} bytes the explorer reads")
    return validate.parse_body(bytes(body))


def failure(error: Exception) -> JSONResponse:
    """What the page shows for an error: the message of a SymnnError, one line for anything else."""
    if isinstance(error, TooLarge):
        return JSONResponse({"error": str(error)}, status_code=413)
    if isinstance(error, MissingDependency):
        return JSONResponse({"error": str(error)}, status_code=501)
    if isinstance(error, SymnnError):
        return JSONResponse({"error": str(error)}, status_code=400)
    LOG.error("explorer request failed:\n%s", "".join(traceback.format_exception(error)))
    return JSONResponse({"error": f"internal error ({type(error).__name__}); the server's terminal has the "
                                  "details"}, status_code=500)


def endpoint(answer: Callable[[dict], dict]):
    """A JSON endpoint: read and check the body, answer in a worker thread (symbolic work blocks)."""
    async def handle(request: Request) -> Response:
        try:
            data = await read_json(request)
            return JSONResponse(await run_in_threadpool(answer, data))
        except Exception as error:  # noqa: BLE001 — every error becomes a message on the page
            return failure(error)

    return handle


def _network(data: dict) -> dict:
    return panels.network_panel(read_spec(data))


def _unit(data: dict) -> dict:
    spec = read_spec(data)
    j = validate.whole(data, "layer", 0, spec.depth)
    return panels.unit_panel(spec, j, validate.whole(data, "unit", 1, spec.sizes[j]))


def _collapse(data: dict) -> dict:
    return panels.collapse_panel(read_spec(data))


def _collapse_proof(data: dict) -> dict:
    return panels.collapse_proof_panel(read_spec(data))


def _params(data: dict) -> dict:
    return panels.random_params(read_spec(data), validate.whole(data, "seed", 0, 2**31 - 1, 0))


def _numbers(data: dict) -> dict:
    spec = read_spec(data)
    answer = panels.numbers_panel(spec, data)
    if validate.flag(data, "check", False):
        answer["check"] = panels.exact_check(spec, data)
    return answer


def _dataset(data: dict) -> dict:
    X, y = playground.read_dataset(data)
    return {"points": X.round(4).tolist(), "labels": y.astype(int).tolist(), "extent": playground.EXTENT}


def _digits(data: dict) -> dict:
    return digits_panel.digits_info(validate.whole(data, "classes", 2, 10, 2))


async def train(request: Request) -> Response:
    """Training streamed as lines of JSON; the checks run before the first line, so a refusal is a 400."""
    try:
        data = await read_json(request)
        lines = await run_in_threadpool(playground.training_lines, read_spec(data), data)
    except Exception as error:  # noqa: BLE001
        return failure(error)
    return StreamingResponse(lines, media_type="application/x-ndjson", headers={"Cache-Control": "no-store"})


async def export(request: Request) -> Response:
    try:
        data = await read_json(request)
        name, content, media = await run_in_threadpool(exports.export, data)
    except Exception as error:  # noqa: BLE001
        return failure(error)
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{exports.safe_filename(name)}"'})


async def index(request: Request) -> Response:
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"), headers={"Cache-Control": "no-store"})


async def not_found(request: Request, error) -> Response:
    return JSONResponse({"error": f"no such page: {request.url.path}"}, status_code=404)


async def not_allowed(request: Request, error) -> Response:
    return JSONResponse({"error": f"{request.method} is not how {request.url.path} is asked (POST JSON to it)"},
                        status_code=405)


ROUTES = [
    Route("/", index),
    Route("/api/network", endpoint(_network), methods=["POST"]),
    Route("/api/unit", endpoint(_unit), methods=["POST"]),
    Route("/api/collapse", endpoint(_collapse), methods=["POST"]),
    Route("/api/collapse/proof", endpoint(_collapse_proof), methods=["POST"]),
    Route("/api/params", endpoint(_params), methods=["POST"]),
    Route("/api/numbers", endpoint(_numbers), methods=["POST"]),
    Route("/api/dataset", endpoint(_dataset), methods=["POST"]),
    Route("/api/train", train, methods=["POST"]),
    Route("/api/digits", endpoint(_digits), methods=["POST"]),
    Route("/api/digits/predict", endpoint(digits_panel.predict), methods=["POST"]),
    Route("/api/export", export, methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
]


class KnownHosts:
    """Answers only requests whose Host header names one of ``allowed`` (any port); others get a JSON 400.

    On loopback this keeps out a web page that reaches 127.0.0.1 through a DNS name of its own.
    """

    def __init__(self, app, allowed: list[str]):
        self.app, self.allowed = app, set(allowed)

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed:
                names = ", ".join(sorted(self.allowed))
                response = JSONResponse({"error": f"this explorer answers requests for {names} only, not for host "
                                                  f"{host[:80]!r}"}, status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(allowed_hosts: list[str] | None = None, warm: bool = True) -> Starlette:
    """The app; ``allowed_hosts`` are the Host headers it answers (the loopback names when it listens on
    loopback, so a web page cannot reach it through a DNS name that points at 127.0.0.1)."""
    middleware = [Middleware(KnownHosts, allowed=allowed_hosts)] if allowed_hosts else []

    @asynccontextmanager
    async def lifespan(app):
        if warm:  # the digit networks train in the background (under 2 s) while the page loads
            threading.Thread(target=digits_panel.warm, name="symnn-explore-digits", daemon=True).start()
        yield

    return Starlette(routes=ROUTES, middleware=middleware, lifespan=lifespan,
                     exception_handlers={404: not_found, 405: not_allowed})
