from .base import BaseEngine


class FastEngine(BaseEngine):
    name = "fast"
