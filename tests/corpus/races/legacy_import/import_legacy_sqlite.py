"""Management command: ``python manage.py import_legacy_sqlite path/to/catalog.db``."""
import sqlite3

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from legacy_import.models import Author, Book


class Command(BaseCommand):
    help = "Import authors and books from the old desktop catalogue (SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        stats = {"authors": 0, "books": 0}
        with sqlite3.connect(options["path"]) as conn:
            conn.row_factory = sqlite3.Row
            try:
                authors = conn.execute("SELECT id, name FROM authors").fetchall()
                books = conn.execute(
                    "SELECT id, isbn, title, author_id, year FROM books"
                ).fetchall()
            except sqlite3.DatabaseError as exc:
                raise CommandError(f"not a catalogue database: {exc}")

        with transaction.atomic():
            by_legacy_id = {}
            for row in authors:
                author, created = Author.objects.update_or_create(
                    legacy_id=row["id"], defaults={"name": row["name"]}
                )
                by_legacy_id[row["id"]] = author
                stats["authors"] += created
            for row in books:
                _, created = Book.objects.update_or_create(
                    legacy_id=row["id"],
                    defaults={
                        "isbn": row["isbn"],
                        "title": row["title"],
                        "author": by_legacy_id[row["author_id"]],
                        "published_year": row["year"],
                    },
                )
                stats["books"] += created

        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {stats['authors']} new authors and {stats['books']} new books"
            )
        )
