"""Runtime N+1 detection with ``--nplusone=fail``: what fails, what passes, and the fix named."""

from __future__ import annotations

import pytest

from tests.pytest_plugin.queries_project import (
    CONFTEST,
    TEMPLATE,
    VIEWS,
    line_of,
    reports_line,
    run_once,
)

# Snapshots, before any test runs, every attribute the plugin patches (the related managers are
# classes Django builds per relation), and says after the session which ones differ.
PATCH_CHECK = """
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, deletion, query
from django.db.models.fields import related_descriptors as rd
from django.db.models.query_utils import DeferredAttribute

PATCHED = {
    (CursorWrapper, "_execute_with_wrappers"),
    (query.QuerySet, "_fetch_all"),
    (query.QuerySet, "_iterator"),
    (query.QuerySet, "_prefetch_related_objects"),
    (query, "prefetch_one_level"),
    (rd.ForwardManyToOneDescriptor, "get_queryset"),
    (rd.ReverseOneToOneDescriptor, "get_queryset"),
    (rd.ReverseManyToOneDescriptor, "__get__"),
    (DeferredAttribute, "__get__"),
    (Model, "save_base"),
    (deletion.Collector, "delete"),
    (Author.book_set.related_manager_cls, "get_queryset"),
    (Book.tags.related_manager_cls, "get_queryset"),
}
BEFORE = {(owner, name): vars(owner).get(name) for owner, name in PATCHED}


def pytest_terminal_summary(terminalreporter):
    changed = sorted(name for (owner, name), value in BEFORE.items() if vars(owner).get(name) is not value)
    terminalreporter.write_line(f"patched after the session: {changed}")
"""

NPLUSONE_TESTS = """
import pytest

from app import reports
from app.models import Author, Book


@pytest.fixture
def names_from_setup(catalogue):
    return reports.book_author_names()


@pytest.fixture
def fetched_books(catalogue):
    return list(Book.objects.all())


def test_fk_loop(catalogue):
    reports.book_author_names()


def test_fk_loop_over_two_rows(db):
    for name in ("Ann", "Bob"):
        Book.objects.create(title=name, author=Author.objects.create(name=name))
    reports.book_author_names()


def test_fk_loop_in_the_test_body(catalogue):
    for book in Book.objects.all():
        assert book.author.name


def test_fk_loop_over_rows_fetched_in_a_fixture(fetched_books):
    reports.author_names_of(fetched_books)


def test_rows_fetched_in_a_fixture_loaded_by_the_test_itself(fetched_books):
    assert all(book.author.name for book in fetched_books)


def test_six_requests_in_a_row(catalogue, client):
    for author in Author.objects.all():
        for _ in range(2):
            assert client.get(f"/authors/{author.pk}/").status_code == 200


def test_project_function_called_in_a_loop_of_the_test(catalogue):
    for author in Author.objects.all():
        for _ in range(2):
            reports.author_name(author.pk)


def test_load_per_row_written(catalogue):
    reports.retitle_books()


def test_check_per_row_inserted(db):
    reports.ensure_tags(["x1", "x2", "x3", "x4", "x5", "x6", "x7"])


def test_a_few_kinds_checked_repeatedly(catalogue):
    reports.kinds_checked_by_three_helpers()


def test_same_read_before_each_write(catalogue):
    reports.tag_books("a")


def test_reads_of_save_signal_receivers(catalogue):
    from django.db.models.signals import post_save

    post_save.connect(reports.on_book_saved, sender=Book)
    try:
        reports.touch_books()
    finally:
        post_save.disconnect(reports.on_book_saved, sender=Book)


def test_fk_loop_in_a_template(catalogue, client):
    assert client.get("/books/page/").status_code == 200


def test_fk_loop_over_an_iterator(catalogue):
    reports.book_author_names_streamed()


def test_fk_loop_in_a_view(catalogue, client):
    assert client.get("/books/").status_code == 200


def test_select_related(catalogue):
    reports.book_author_names_joined()


def test_fk_id(catalogue):
    reports.book_author_ids()


def test_values_rows(catalogue):
    reports.book_author_rows()


def test_single_row(catalogue):
    reports.first_book_author()


def test_lazy_loads_in_fixture_setup(names_from_setup):
    assert len(names_from_setup) == 6


def test_reverse_fk_loop(catalogue):
    reports.author_titles()


def test_reverse_fk_prefetched(catalogue):
    reports.author_titles_prefetched()


def test_reverse_fk_prefetched_then_filtered(catalogue):
    reports.author_titles_refiltered()


def test_m2m_loop(catalogue):
    reports.book_tag_labels()


def test_m2m_prefetched(catalogue):
    reports.book_tag_labels_prefetched()


def test_m2m_loop_over_prefetched_rows(catalogue):
    reports.nested_tag_labels()


def test_reverse_one_to_one_loop(catalogue):
    reports.author_bios()


def test_reverse_one_to_one_joined(catalogue):
    reports.author_bios_joined()


def test_one_to_one_beyond_select_related(catalogue):
    reports.book_author_bios()


def test_deferred_field_loop(catalogue):
    reports.book_summaries()


def test_three_literal_labels(catalogue):
    reports.label_counts(("a", "b", "c"))


def test_six_literal_labels(catalogue):
    reports.label_counts(("a", "b", "c", "d", "e", "f"))


@pytest.mark.allow_nplusone
def test_opted_out(catalogue):
    reports.book_author_names()


def test_patches_are_in_place_during_the_test(catalogue):
    from django.db.backends.utils import CursorWrapper
    from django.db.models.query import QuerySet

    assert CursorWrapper._execute_with_wrappers.__module__ == "errguard.queries.recorder"
    assert QuerySet._fetch_all.__module__ == "errguard.queries.nplusone"
"""

EXPECTED = {
    "test_fk_loop": "FAILED",
    "test_fk_loop_over_two_rows": "FAILED",
    "test_fk_loop_in_the_test_body": "PASSED",
    "test_fk_loop_over_rows_fetched_in_a_fixture": "FAILED",
    "test_rows_fetched_in_a_fixture_loaded_by_the_test_itself": "PASSED",
    "test_six_requests_in_a_row": "PASSED",
    "test_project_function_called_in_a_loop_of_the_test": "PASSED",
    "test_load_per_row_written": "FAILED",
    "test_check_per_row_inserted": "PASSED",
    "test_a_few_kinds_checked_repeatedly": "PASSED",
    "test_same_read_before_each_write": "PASSED",
    "test_reads_of_save_signal_receivers": "PASSED",
    "test_fk_loop_in_a_template": "FAILED",
    "test_fk_loop_over_an_iterator": "FAILED",
    "test_fk_loop_in_a_view": "FAILED",
    "test_select_related": "PASSED",
    "test_fk_id": "PASSED",
    "test_values_rows": "PASSED",
    "test_single_row": "PASSED",
    "test_lazy_loads_in_fixture_setup": "PASSED",
    "test_reverse_fk_loop": "FAILED",
    "test_reverse_fk_prefetched": "PASSED",
    "test_reverse_fk_prefetched_then_filtered": "FAILED",
    "test_m2m_loop": "FAILED",
    "test_m2m_prefetched": "PASSED",
    "test_m2m_loop_over_prefetched_rows": "FAILED",
    "test_reverse_one_to_one_loop": "FAILED",
    "test_reverse_one_to_one_joined": "PASSED",
    "test_one_to_one_beyond_select_related": "FAILED",
    "test_deferred_field_loop": "FAILED",
    "test_three_literal_labels": "PASSED",
    "test_six_literal_labels": "FAILED",
    "test_opted_out": "PASSED",
    "test_patches_are_in_place_during_the_test": "PASSED",
}


@pytest.fixture
def detected(pytester, backend):
    """One ``--nplusone=fail`` session over NPLUSONE_TESTS per backend, shared by this module."""
    files = {"test_nplusone.py": NPLUSONE_TESTS, "conftest.py": CONFTEST + PATCH_CHECK}
    return run_once(pytester, "nplusone", files, "--nplusone=fail", backend=backend)


def test_each_case_fails_or_passes_as_expected(detected):
    assert detected.outcomes == EXPECTED, detected.output


def test_fk_loop_names_the_line_the_count_and_the_fix(detected):
    failure = detected.failure("test_fk_loop")
    assert failure.startswith("N+1 queries: 1 pattern in this test\n")
    assert "Book.author loaded lazily at app/reports.py:9 in book_author_names (6 times)" in failure
    assert (
        'fix: add .select_related("author") to the queryset iterated at app/reports.py:8' in failure
    )
    assert "Opt a test out with @pytest.mark.allow_nplusone;" in failure
    assert "the same query ran repeatedly" not in failure  # the lazy loads explain those queries


def test_two_rows_are_enough(detected):
    failure = detected.failure("test_fk_loop_over_two_rows")
    assert "Book.author loaded lazily at app/reports.py:9 in book_author_names (2 times)" in failure


def test_loops_of_the_test_itself_are_not_the_projects_n_plus_one(detected):
    """Lazy loads in test code, and one lookup per request or per call the test makes, are
    the test's own repetition; a check per row inserted, and what save receivers read, are the
    cost of the writes; the same parameters read again are duplicates, not a read per row.
    They pass, where a read loop inside one call into the project fails."""
    for name in (
        "test_fk_loop_in_the_test_body",
        "test_rows_fetched_in_a_fixture_loaded_by_the_test_itself",
        "test_six_requests_in_a_row",
        "test_project_function_called_in_a_loop_of_the_test",
        "test_check_per_row_inserted",
        "test_reads_of_save_signal_receivers",
        "test_a_few_kinds_checked_repeatedly",
        "test_same_read_before_each_write",
    ):
        assert detected.outcomes[name] == "PASSED", name


def test_template_loop_names_the_template_line(detected):
    failure = detected.failure("test_fk_loop_in_a_template")
    loop = line_of(TEMPLATE, "{% for book in books %}")
    load = line_of(TEMPLATE, "book.author.name")
    view = line_of(VIEWS, "# template view")
    assert (
        f"Book.author loaded lazily at app/templates/books.html:{load} in "
        "{{ book.author.name }} (6 times)"
    ) in failure, failure
    assert (
        f'add .select_related("author") to the queryset that {{% for book in books %}} '
        f"iterates at app/templates/books.html:{loop} (rendered from app/views.py:{view})"
    ) in failure, failure


def test_rows_fetched_in_a_fixture_name_the_fixture_line(detected):
    failure = detected.failure("test_fk_loop_over_rows_fetched_in_a_fixture")
    fixture_line = line_of(NPLUSONE_TESTS, "return list(Book.objects.all())")
    assert f"loaded lazily at app/reports.py:{reports_line('# rows from the caller')}" in failure
    assert (
        f'select_related("author") to the queryset iterated at test_nplusone.py:{fixture_line}'
        in failure
    )


def test_iterator_rows_are_watched(detected):
    failure = detected.failure("test_fk_loop_over_an_iterator")
    line = reports_line("# streamed")
    assert (
        f"Book.author loaded lazily at app/reports.py:{line} in book_author_names_streamed (6 times)"
        in failure
    )
    assert (
        f'add .select_related("author") to the queryset iterated at app/reports.py:{line}'
        in failure
    )


def test_view_line_is_named(detected):
    failure = detected.failure("test_fk_loop_in_a_view")
    line = line_of(VIEWS, "# view")
    assert f"Book.author loaded lazily at app/views.py:{line} in books (6 times)" in failure


def test_reverse_fk_loop_suggests_prefetch_related(detected):
    failure = detected.failure("test_reverse_fk_loop")
    line = reports_line("# reverse FK")
    assert (
        f"Author.book_set loaded lazily at app/reports.py:{line} in author_titles (3 times)"
        in failure
    )
    assert (
        f'add .prefetch_related("book_set") to the queryset iterated at app/reports.py:{line}'
        in failure
    )


def test_filtering_a_prefetched_relation_is_reported(detected):
    failure = detected.failure("test_reverse_fk_prefetched_then_filtered")
    line = reports_line("# prefetched, then filtered") + 1
    assert (
        f"Author.book_set queried again despite prefetch_related at app/reports.py:{line}"
        in failure
    )
    assert 'use Prefetch("book_set", queryset=...)' in failure


def test_m2m_loop_suggests_prefetch_related(detected):
    failure = detected.failure("test_m2m_loop")
    line = reports_line("# m2m")
    assert (
        f"Book.tags loaded lazily at app/reports.py:{line} in book_tag_labels (6 times)" in failure
    )
    assert (
        f'add .prefetch_related("tags") to the queryset iterated at app/reports.py:{line}'
        in failure
    )


def test_loads_on_prefetched_rows_suggest_the_full_path(detected):
    failure = detected.failure("test_m2m_loop_over_prefetched_rows")
    line = reports_line("# nested") + 1
    assert (
        f"Book.tags loaded lazily at app/reports.py:{line} in nested_tag_labels (6 times)"
        in failure
    )
    assert 'add .prefetch_related("book_set__tags")' in failure


def test_reverse_one_to_one_suggests_select_related(detected):
    failure = detected.failure("test_reverse_one_to_one_loop")
    line = reports_line("# reverse one-to-one")
    assert (
        f"Author.profile loaded lazily at app/reports.py:{line} in author_bios (3 times)" in failure
    )
    assert 'add .select_related("profile")' in failure


def test_loads_beyond_select_related_suggest_the_full_path(detected):
    failure = detected.failure("test_one_to_one_beyond_select_related")
    line = reports_line("# joined")
    assert (
        f"Author.profile loaded lazily at app/reports.py:{line} in book_author_bios (6 times)"
        in failure
    )
    assert 'add .select_related("author__profile")' in failure


def test_deferred_field_loop_names_the_field(detected):
    failure = detected.failure("test_deferred_field_loop")
    line = reports_line("# deferred")
    assert (
        f"deferred field Book.summary loaded lazily at app/reports.py:{line} in book_summaries (6 times)"
        in failure
    )
    assert 'stop deferring "summary": drop it from .defer() or add it to .only()' in failure


def test_repeated_query_beyond_the_threshold_is_reported(detected):
    failure = detected.failure("test_six_literal_labels")
    line = reports_line("# per label")
    assert (
        f"the same query ran repeatedly at app/reports.py:{line} in label_counts: "
        'SELECT COUNT(*) AS "__count" FROM "app_tag" WHERE "app_tag"."label" = ? (6 times)'
    ) in failure


def test_summary_lists_each_pattern_once_with_its_tests(detected):
    summary = detected.section("errguard: queries")
    assert "N+1 queries: 14 distinct patterns" in summary
    assert summary.count("Book.author loaded lazily at app/reports.py:9 in book_author_names") == 1
    assert (
        "  Book.author loaded lazily at app/reports.py:9 in book_author_names (8 times in 2 tests)\n"
        '    fix: add .select_related("author") to the queryset iterated at app/reports.py:8\n'
        "    test_nplusone.py::test_fk_loop\n"
        "    test_nplusone.py::test_fk_loop_over_two_rows\n"
    ) in summary


def test_every_patch_is_undone_after_each_test(detected):
    assert "patched after the session: []" in detected.output
