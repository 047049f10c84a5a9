import logging
import traceback

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

logger = logging.getLogger("api")


async def homepage(request: Request):
    return JSONResponse({"hello": "world"})


async def http_exception_handler(request: Request, exc: HTTPException):
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


async def unhandled_exception_handler(request: Request, exc: Exception):
    logger.exception("unhandled error on %s", request.url.path)
    body = {
        "error": "internal_error",
        "message": str(exc),
        "trace": traceback.format_exc().splitlines(),
    }
    return JSONResponse(body, status_code=500)


app = Starlette(
    routes=[Route("/", homepage)],
    exception_handlers={
        HTTPException: http_exception_handler,
        Exception: unhandled_exception_handler,
    },
)
