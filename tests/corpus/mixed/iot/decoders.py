"""Binary frame decoders for the sensor fleet."""
import dataclasses
import datetime
import logging
import struct
import warnings

try:
    import cbor2
except ImportError:
    cbor2 = None

log = logging.getLogger("iot.decoders")


class DecodeError(ValueError):
    """Raised for malformed frames; message is safe to show to integrators."""


@dataclasses.dataclass
class Frame:
    device_id: str
    ts: datetime.datetime
    values: dict


HEADER = struct.Struct("<BIH")  # version, unix ts, payload length


def _decode_v1(body):
    temperature, humidity = struct.unpack("<hH", body[:4])
    return {"temperature": temperature / 100.0, "humidity": humidity / 100.0}


def _decode_v2(body):
    if cbor2 is None:
        raise DecodeError("v2 frames need the cbor2 package")
    return {str(k): float(v) for k, v in cbor2.loads(body).items()}


DECODERS = {1: _decode_v1, 2: _decode_v2}


def decode_frame(device_id, raw):
    if len(raw) < HEADER.size:
        raise DecodeError("frame shorter than header")
    version, ts, length = HEADER.unpack_from(raw)
    decoder = DECODERS.get(version)
    if decoder is None:
        raise DecodeError(f"unsupported frame version {version}")
    body = raw[HEADER.size:HEADER.size + length]
    try:
        values = decoder(body)
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError("corrupt frame body") from exc
    return Frame(device_id, datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc), values)


def decode_many(device_id, raws):
    frames = []
    for raw in raws:
        try:
            frames.append(decode_frame(device_id, raw))
        except Exception:
            pass
    return frames


def battery_level(values):
    try:
        return round(values["battery_mv"] / 4200 * 100)
    except BaseException:
        return None


def calibrate(values, offsets):
    out = dict(values)
    for key, offset in offsets.items():
        try:
            out[key] = out[key] + offset
        except KeyError:
            continue
        except Exception:
            warnings.warn(f"could not calibrate {key}")
    return out


def firmware_supports_v2(firmware):
    try:
        major = int(firmware.split(".", 1)[0])
    except:
        return False
    return major >= 3


def emit_debug(frame):
    try:
        log.debug("frame %s: %s", frame.device_id, frame.values)
    except Exception:
        # Debug logging must never take down ingestion; a bad __repr__ in a
        # value object is the only realistic cause and is not actionable here.
        pass
