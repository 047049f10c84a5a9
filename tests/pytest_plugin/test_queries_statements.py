"""What the plugin counts as a query, the same on SQLite and PostgreSQL (psycopg 3, psycopg2):
transaction and constraint-check control never (``BEGIN``, savepoints, a ``TestCase``'s
constraint check), a server-side cursor's query once, ``executemany`` once, and a statement
that fails as one. ``faults.db`` never fails transaction control either."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import REPORTS, line_of, run_once

STATEMENT_TESTS = """
import math

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test import TestCase

from app import reports
from app.models import Author, Book, Profile, Tag

POSTGRESQL = connection.vendor == "postgresql"
INSERT_TAG = 'INSERT INTO "app_tag" ("label") VALUES (%s)'


def test_savepoints_of_nested_atomic_blocks_are_not_counted(db, queries):
    with queries.exactly(2) as block:
        with transaction.atomic():
            Tag.objects.create(label="a")
            with transaction.atomic():
                Tag.objects.create(label="b")
    assert [entry.sql.split(" (")[0] for entry in block.log] == ['INSERT INTO "app_tag"'] * 2


def test_a_rolled_back_savepoint_is_not_counted(db, queries):
    with queries.exactly(2):
        with pytest.raises(ValueError):
            with transaction.atomic():
                Tag.objects.create(label="a")
                raise ValueError("roll the savepoint back")
        assert not Tag.objects.exists()


def test_a_statement_that_fails_counts(db, queries):
    author = Author.objects.create(name="Ann")
    Profile.objects.create(author=author)
    with queries.exactly(2) as block:
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                Profile.objects.create(author=author)  # a second profile for a one-to-one
        assert Profile.objects.count() == 1  # usable again: the savepoint was rolled back
    assert block.log[0].sql.startswith('INSERT INTO "app_profile"')


@pytest.mark.django_db(transaction=True)
def test_the_outermost_atomic_block_is_not_counted(queries):
    with queries.exactly(2):
        with transaction.atomic():
            Tag.objects.create(label="a")
            with transaction.atomic():
                Tag.objects.create(label="b")
    assert Tag.objects.count() == 2


@pytest.mark.django_db(databases=["default", "other"])
def test_atomic_blocks_on_two_aliases(queries):
    with queries.exactly(1, using="default"), queries.exactly(2, using="other"):
        with transaction.atomic(using="other"):
            with transaction.atomic():
                Tag.objects.create(label="default")
            with transaction.atomic(using="other"):
                Tag.objects.using("other").create(label="other")
            assert Tag.objects.using("other").count() == 1


def test_an_iterator_is_one_query_however_many_chunks(catalogue, queries):
    with queries.exactly(1) as block:
        titles = [book.title for book in Book.objects.order_by("pk").iterator(chunk_size=2)]
    assert len(titles) == 6
    assert block.log[0].sql.startswith('SELECT "app_book"."id"')


if POSTGRESQL:  # server-side cursors are PostgreSQL's

    def test_an_iterator_reads_through_a_server_side_cursor(catalogue, queries):
        books = Book.objects.order_by("pk").iterator(chunk_size=2)
        next(books)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_cursors")
            names = [name for (name,) in cursor.fetchall()]
        assert len(list(books)) == 5  # fetched in more FETCHes, which are not queries
        assert [name for name in names if name.startswith("_django_curs_")], names
        assert queries.count == 2


@pytest.mark.django_db(databases=["default", "other"])
def test_an_iterator_on_another_alias(queries):
    Tag.objects.using("other").bulk_create(Tag(label=str(n)) for n in range(5))
    with queries.exactly(1, using="other") as block:
        assert len(list(Tag.objects.using("other").iterator(chunk_size=2))) == 5
    assert block.log[0].alias == "other"


def test_lazy_loads_while_an_iterator_streams(catalogue):
    reports.book_author_names_streamed_in_chunks()


def test_executemany_is_one_query_with_its_parameter_sets(db, queries):
    with connection.cursor() as cursor, queries.exactly(1) as block:
        cursor.executemany(INSERT_TAG, [("a",), ("b",), ("c",)])
    (entry,) = block.log
    assert (entry.sql, entry.many, entry.params_count) == (INSERT_TAG, True, 3)
    assert Tag.objects.count() == 3


def test_executemany_over_a_generator_has_no_parameter_count(db, queries):
    with connection.cursor() as cursor, queries.exactly(1) as block:
        cursor.executemany(INSERT_TAG, ((label,) for label in "abcd"))
    assert (block.log[0].many, block.log[0].params_count) == (True, None)
    assert Tag.objects.count() == 4


def test_bulk_create_counts_one_insert_per_batch(db, queries):
    tags = [Tag(label=str(n)) for n in range(600)]
    # Django splits it on SQLite (a limit on parameters per statement), not on PostgreSQL.
    batch = connection.ops.bulk_batch_size([Tag._meta.get_field("label")], tags)
    with queries.exactly(math.ceil(600 / batch)) as block:
        Tag.objects.bulk_create(tags)
    assert {entry.sql.split(" (")[0] for entry in block.log} == {'INSERT INTO "app_tag"'}
    assert not POSTGRESQL or block.count == 1


@pytest.mark.max_queries(1)
class TestAsADjangoTestCase(TestCase):  # a savepoint around each test, then a constraint check
    def test_djangos_statements_around_the_test_are_not_counted(self):
        Tag.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_fault_skips_transaction_control(faults):
    failing = faults.db(times=1)
    with pytest.raises(OperationalError):
        with transaction.atomic():
            Tag.objects.create(label="a")
    assert [query.sql.split(" (")[0] for query in failing.queries] == ['INSERT INTO "app_tag"']
    assert not Tag.objects.exists()


def create_tag_with_retry(label, attempts=3):
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return Tag.objects.create(label=label)
        except OperationalError:
            if attempt == attempts - 1:
                raise


def test_a_retry_in_savepoints_sees_its_own_statements_fail(db, faults):
    failing = faults.db(times=2)
    create_tag_with_retry("a")
    assert [query.sql.split(" (")[0] for query in failing.queries] == ['INSERT INTO "app_tag"'] * 2
    assert list(Tag.objects.values_list("label", flat=True)) == ["a"]
"""

STREAMED_IN_CHUNKS = """

def book_author_names_streamed_in_chunks():
    return [book.author.name for book in Book.objects.iterator(chunk_size=2)]  # chunks
"""

EXPECTED = {
    "test_savepoints_of_nested_atomic_blocks_are_not_counted": "PASSED",
    "test_a_rolled_back_savepoint_is_not_counted": "PASSED",
    "test_a_statement_that_fails_counts": "PASSED",
    "test_the_outermost_atomic_block_is_not_counted": "PASSED",
    "test_atomic_blocks_on_two_aliases": "PASSED",
    "test_an_iterator_is_one_query_however_many_chunks": "PASSED",
    "test_an_iterator_reads_through_a_server_side_cursor": "PASSED",
    "test_an_iterator_on_another_alias": "PASSED",
    "test_lazy_loads_while_an_iterator_streams": "FAILED",
    "test_executemany_is_one_query_with_its_parameter_sets": "PASSED",
    "test_executemany_over_a_generator_has_no_parameter_count": "PASSED",
    "test_bulk_create_counts_one_insert_per_batch": "PASSED",
    "test_djangos_statements_around_the_test_are_not_counted": "PASSED",
    "test_a_fault_skips_transaction_control": "PASSED",
    "test_a_retry_in_savepoints_sees_its_own_statements_fail": "PASSED",
}


@pytest.fixture
def statements(pytester, backend):
    """One ``--nplusone=fail`` session over STATEMENT_TESTS per backend, shared by this module."""
    files = {"test_statements.py": STATEMENT_TESTS, "app/reports.py": REPORTS + STREAMED_IN_CHUNKS}
    return run_once(pytester, "statements", files, "--nplusone=fail", backend=backend)


def test_each_statement_is_counted_as_expected(statements, backend):
    expected = dict(EXPECTED)
    if backend.cluster is None:
        del expected["test_an_iterator_reads_through_a_server_side_cursor"]
    assert statements.outcomes == expected, statements.output


def test_lazy_loads_between_the_chunks_of_an_iterator_are_found(statements):
    failure = statements.failure("test_lazy_loads_while_an_iterator_streams")
    line = line_of(REPORTS + STREAMED_IN_CHUNKS, "# chunks")
    assert (
        f"Book.author loaded lazily at app/reports.py:{line} "
        "in book_author_names_streamed_in_chunks (6 times)"
    ) in failure
    assert f'add .select_related("author") to the queryset iterated at app/reports.py:{line}' in (
        failure
    )
