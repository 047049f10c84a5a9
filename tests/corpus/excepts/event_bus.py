import logging
import threading
from collections import defaultdict

logger = logging.getLogger(__name__)


class EventBus:
    def __init__(self, on_error=None):
        self._subscribers = defaultdict(list)
        self._lock = threading.Lock()
        self._pending = []
        self.on_error = on_error or self._default_on_error

    def _default_on_error(self, event, handler, exc):
        logger.error("handler %r failed for %s", handler, event, exc_info=exc)

    def subscribe(self, event, handler):
        with self._lock:
            self._subscribers[event].append(handler)

    def publish(self, event, payload):
        errors = []
        for handler in list(self._subscribers[event]):
            try:
                handler(payload)
            except Exception as exc:
                self.on_error(event, handler, exc)
                errors.append(exc)
        return errors

    def publish_strict(self, event, payload):
        for handler in list(self._subscribers[event]):
            try:
                handler(payload)
            except Exception:
                raise

    def _flush(self):
        while self._pending:
            event, payload = self._pending.pop(0)
            self.publish(event, payload)

    def close(self):
        with self._lock:
            try:
                self._flush()
            except Exception:
                logger.error("error flushing event bus on close", exc_info=True)
            self._subscribers.clear()
