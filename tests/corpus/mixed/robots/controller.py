"""Fleet controller for the picking robots in warehouse aisles A-F.

Each robot exposes a small JSON-over-TCP control protocol. The controller
polls robots, dispatches pick tasks and handles e-stop escalation.
"""
import json
import logging
import queue
import socket
import threading
import time

from .telemetry_store import TelemetryStore

log = logging.getLogger("robots.controller")

POLL_INTERVAL = 0.5


class RobotUnreachable(Exception):
    pass


class RobotLink:
    def __init__(self, robot_id, host, port=7700, timeout=2.0):
        self.robot_id = robot_id
        self.address = (host, port)
        self.timeout = timeout
        self._sock = None

    def _ensure(self):
        if self._sock is None:
            try:
                self._sock = socket.create_connection(self.address, timeout=self.timeout)
            except OSError as exc:
                raise RobotUnreachable(self.robot_id) from exc
        return self._sock

    def send(self, command, **params):
        sock = self._ensure()
        message = json.dumps({"cmd": command, **params}).encode() + b"\n"
        try:
            sock.sendall(message)
            reply = sock.makefile("rb").readline()
        except OSError:
            self.reset()
            raise
        return json.loads(reply)

    def reset(self):
        if self._sock is not None:
            try:
                self._sock.close()
            except:
                pass
            self._sock = None


class FleetController:
    def __init__(self, robots, store: TelemetryStore):
        self.links = {r["id"]: RobotLink(r["id"], r["host"]) for r in robots}
        self.store = store
        self.tasks = queue.Queue()
        self._stop = threading.Event()

    def poll_once(self):
        for robot_id, link in self.links.items():
            try:
                status = link.send("status")
            except RobotUnreachable:
                log.warning("robot %s unreachable", robot_id)
                continue
            except Exception:
                log.exception("status poll failed for %s", robot_id)
                continue
            self.store.record(robot_id, status)
            if status.get("estop"):
                self.escalate_estop(robot_id, status)

    def escalate_estop(self, robot_id, status):
        log.critical("robot %s reports e-stop: %s", robot_id, status.get("reason"))
        for other_id, link in self.links.items():
            if other_id == robot_id:
                continue
            try:
                link.send("pause", reason=f"estop on {robot_id}")
            except BaseException:
                pass

    def dispatch(self):
        while not self._stop.is_set():
            try:
                task = self.tasks.get(timeout=1)
            except queue.Empty:
                continue
            link = self.links.get(task["robot_id"])
            if link is None:
                log.error("task for unknown robot %s", task["robot_id"])
                continue
            try:
                link.send("pick", bin=task["bin"], sku=task["sku"], qty=task["qty"])
            except Exception as exc:
                task["attempts"] = task.get("attempts", 0) + 1
                task["last_error"] = str(exc)
                if task["attempts"] < 3:
                    self.tasks.put(task)

    def battery_levels(self):
        levels = {}
        for robot_id, link in self.links.items():
            try:
                levels[robot_id] = link.send("battery")["percent"]
            except Exception:
                levels[robot_id] = None
        return levels

    def run(self):
        worker = threading.Thread(target=self.dispatch, daemon=True)
        worker.start()
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.poll_once()
            except:
                log.exception("poll loop crashed; continuing")
            time.sleep(max(0.0, POLL_INTERVAL - (time.monotonic() - started)))

    def stop(self):
        self._stop.set()
        for link in self.links.values():
            link.reset()
