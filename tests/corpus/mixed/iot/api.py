"""Device management API (FastAPI)."""
import logging
import traceback

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .decoders import DecodeError, decode_frame
from .ingest import ReadingWriter, device_count, register_device

log = logging.getLogger("iot.api")
app = FastAPI(title="IoT device API")


class DeviceIn(BaseModel):
    device_id: str = Field(min_length=4, max_length=64)
    model: str
    firmware: str


class RawFrame(BaseModel):
    device_id: str
    payload_hex: str


def get_writer():
    writer = ReadingWriter()
    try:
        yield writer
    finally:
        writer.close()


@app.exception_handler(RequestValidationError)
async def validation_handler(request: Request, exc: RequestValidationError):
    return JSONResponse(status_code=422, content={"errors": exc.errors()})


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    return JSONResponse(status_code=500, content={"error": "internal", "trace": traceback.format_exc()})


@app.post("/devices", status_code=201)
def create_device(device: DeviceIn):
    try:
        register_device(device.device_id, device.model, device.firmware)
    except Exception as exc:
        raise HTTPException(status_code=502, detail=f"database error: {exc}") from exc
    return {"device_id": device.device_id}


@app.get("/devices/count")
def count_devices():
    try:
        return {"count": device_count()}
    except Exception:
        log.exception("device count failed")
        raise HTTPException(status_code=503, detail="telemetry database unavailable")


@app.post("/frames")
def ingest_frame(frame: RawFrame, writer: ReadingWriter = Depends(get_writer)):
    try:
        decoded = decode_frame(frame.device_id, bytes.fromhex(frame.payload_hex))
    except DecodeError as exc:
        # DecodeError messages are written for device integrators and are part of the API contract.
        raise HTTPException(status_code=400, detail=str(exc))
    except ValueError:
        raise HTTPException(status_code=400, detail="payload_hex is not valid hex")
    written = writer.write_batch([decoded])
    return {"written": written}


@app.get("/devices/{device_id}/last-seen")
def last_seen(device_id: str, writer: ReadingWriter = Depends(get_writer)):
    try:
        ts = writer.last_seen(device_id)
    except Exception as exc:
        message = str(exc).splitlines()[0]
        return JSONResponse(status_code=500, content={"error": message})
    return {"device_id": device_id, "last_seen": ts.isoformat() if ts else None}
