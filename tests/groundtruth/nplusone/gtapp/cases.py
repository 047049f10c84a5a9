"""Functions whose query counts the ground-truth test measures at two data sizes.

Nothing here says which function is an N+1: the test measures it. Every function returns plain
data so results before and after ``errguard fix`` can be compared.
"""

from django.db.models import Count, Prefetch

from gtapp.models import Author, Book, Review, Tag

LABELS = ("tag0", "tag1", "tag2")


def describe(book):
    return f"{book.title} by {book.author.name}"


def published():
    return Book.objects.filter(price__gte=0)


# --- forward foreign keys and one-to-ones -------------------------------------------------
def case_fk_in_for_loop():
    names = []
    for book in Book.objects.order_by("id"):
        names.append(book.author.name)
    return names


def case_fk_in_comprehension():
    return [book.author.name for book in Book.objects.all().order_by("id")]


def case_fk_two_hops_first_loaded():
    books = Book.objects.select_related("author").order_by("id")
    return [book.author.publisher.name for book in books]


def case_fk_through_local_variable_chain():
    books = Book.objects.filter(price__gte=0)
    books = books.order_by("id")
    return [book.author.name for book in books]


def case_fk_through_alias():
    result = []
    for book in Book.objects.order_by("id"):
        author = book.author
        result.append(author.name)
    return result


def case_fk_sliced_large():
    return [book.author.name for book in Book.objects.order_by("id")[:100]]


def case_fk_in_generator_join():
    return ", ".join(book.author.name for book in Book.objects.order_by("id"))


def case_fk_via_helper_queryset():
    return sorted(book.author.name for book in published())


def case_fk_via_function():
    return [describe(book) for book in Book.objects.order_by("id")]


def case_fk_via_property():
    return [book.author_name for book in Book.objects.order_by("id")]


def case_fk_pk_read():
    return [book.author.pk for book in Book.objects.order_by("id")]


def case_nullable_fk_with_bare_select_related():
    books = Book.objects.select_related().order_by("id")
    return [book.editor.name if book.editor else None for book in books]


def case_reverse_one_to_one():
    return [author.profile.bio for author in Author.objects.order_by("id")]


# --- reverse foreign keys and many-to-many --------------------------------------------------
def case_reverse_fk_count():
    return {author.name: author.books.count() for author in Author.objects.all()}


def case_reverse_fk_default_accessor():
    stars = []
    for book in Book.objects.order_by("id"):
        stars.append(sorted(review.stars for review in book.review_set.all()))
    return stars


def case_many_to_many():
    return [sorted(tag.name for tag in book.tags.all()) for book in Book.objects.order_by("id")]


def case_many_to_many_via_method():
    return [book.tag_names() for book in Book.objects.order_by("id")]


def case_nested_relation_of_relation():
    result = []
    for author in Author.objects.order_by("id"):
        for book in author.books.all():
            result.append(book.editor.name if book.editor else None)
    return sorted(result, key=str)


def case_prefetch_bypassed_by_filter():
    authors = Author.objects.prefetch_related("books").order_by("id")
    return [author.books.filter(price__gt=1).count() for author in authors]


# --- deferred fields ------------------------------------------------------------------------
def case_deferred_field():
    return [book.price for book in Book.objects.only("title").order_by("id")]


# --- queries run per iteration (EG102) -----------------------------------------------------
def case_get_per_id():
    ids = list(Book.objects.order_by("id").values_list("id", flat=True))
    return [Book.objects.get(pk=pk).title for pk in ids]


def case_count_per_row():
    return [Review.objects.filter(book=book).count() for book in Book.objects.order_by("id")]


def case_nested_manager_queryset():
    titles = []
    for author in Author.objects.order_by("id"):
        for book in Book.objects.filter(author=author).order_by("id"):
            titles.append(book.title)
    return titles


def case_exists_per_row():
    return [Tag.objects.filter(name=book.title).exists() for book in Book.objects.all()]


# --- hard negatives: constant query counts --------------------------------------------------
def case_select_related_applied():
    books = Book.objects.select_related("author__publisher").order_by("id")
    return [(book.author.name, book.author.publisher.name) for book in books]


def case_prefetch_applied():
    authors = Author.objects.prefetch_related("books__tags").order_by("id")
    result = []
    for author in authors:
        result.append(author.books.count())
        for book in author.books.all():
            result.append(sorted(tag.name for tag in book.tags.all()))
    return result


def case_prefetch_to_attr():
    cheap = Prefetch("books", queryset=Book.objects.filter(price__lt=2), to_attr="cheap")
    return [len(author.cheap) for author in Author.objects.prefetch_related(cheap).order_by("id")]


def case_values_rows():
    return [row["author__name"] for row in Book.objects.values("author__name").order_by("id")]


def case_values_list_rows():
    return list(Book.objects.order_by("id").values_list("title", flat=True))


def case_author_id_only():
    return [book.author_id for book in Book.objects.order_by("id")]


def case_local_fields_only():
    return [(book.title, book.price) for book in Book.objects.order_by("id")]


def case_literal_labels_one_query_each():
    return [Tag.objects.filter(name=label).count() for label in LABELS]


def case_first_match_returns():
    for book in Book.objects.order_by("id"):
        if book.price >= 0:
            return book.author.name
    return None


def case_loop_returns_immediately():
    for book in Book.objects.order_by("-id"):
        return book.author.name
    return None


def case_manual_cache():
    authors = Author.objects.in_bulk()
    names = []
    for book in Book.objects.order_by("id"):
        book.author = authors[book.author_id]
        names.append(book.author.name)
    return names


def case_annotation():
    authors = Author.objects.annotate(n=Count("books")).order_by("id")
    return [author.n for author in authors]


def case_bare_select_related_non_null_fk():
    return [book.author.name for book in Book.objects.select_related().order_by("id")]


def case_single_row_slice():
    return [book.author.name for book in Book.objects.order_by("id")[:1]]


def case_in_bulk_before_loop():
    ids = list(Book.objects.values_list("id", flat=True))
    books = Book.objects.in_bulk(ids)
    return sorted(books[pk].title for pk in ids)
