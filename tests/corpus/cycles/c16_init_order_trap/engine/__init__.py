from .impl import FastEngine
from .base import BaseEngine

__all__ = ["BaseEngine", "FastEngine"]
