VERSION = "1.4"
DEFAULT_NAMESPACE = "app"

from . import counters  # noqa: E402
from .counters import Counter  # noqa: E402

__all__ = ["Counter", "counters", "VERSION"]
