from .models import Book
from .services import lend

__all__ = ["Book", "lend"]
