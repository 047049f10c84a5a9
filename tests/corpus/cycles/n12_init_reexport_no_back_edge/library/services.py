from library.models import Book


def lend(book: Book):
    return f"lent {book.title}"
