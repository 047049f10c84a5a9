from .base import BaseEngine
from .impl import FastEngine

__all__ = ["BaseEngine", "FastEngine"]
