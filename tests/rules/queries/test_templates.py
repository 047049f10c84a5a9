"""EG103's reading of Django templates: which loops, which reads, which files."""

from __future__ import annotations

import textwrap

from errguard.config import Config
from errguard.rules.queries._templates import find_template, template_loops
from tests.conftest import run_cli


def _loops(text):
    return [
        (loop.variable, loop.row, loop.line, [(".".join(r.path), r.line) for r in loop.reads])
        for loop in template_loops(textwrap.dedent(text))
    ]


def test_reads_of_the_row_in_variables_tags_and_aliases():
    assert _loops(
        """\
        {% for book in books %}
          {{ book.author.name|upper }} {% if book.editor %}{{ book.editor.name }}{% endif %}
          {% with pub=book.author.publisher %}{{ pub.name }}{% endwith %}
          {% with book.author as writer %}{{ writer.email }}{% endwith %}
          {% for tag in book.tags.all %}{{ tag.name }}{% endfor %}
        {% endfor %}
        """
    ) == [
        (
            "books",
            "book",
            1,
            [
                ("author.name", 2),
                ("editor", 2),
                ("editor.name", 2),
                ("author.publisher", 3),
                ("author.publisher.name", 3),
                ("author", 4),
                ("author.email", 4),
                ("tags.all", 5),
            ],
        )
    ]


def test_strings_comments_and_other_names_are_not_reads():
    assert _loops(
        """\
        {% for book in books %}{# {{ book.author.name }} #}
        {% url "book.author" pk=book.pk %} {{ "book.editor" }} {{ other.author.name }}
        {% endfor %}{{ book.author.name }}
        """
    ) == [("books", "book", 1, [("pk", 2)])]


def test_loops_over_a_context_variable_or_its_relation_with_one_name():
    text = (
        "{% for key, value in pairs %}{{ value.author }}{% endfor %}\n"
        "{% for tag in book.tags.all %}{{ tag.owner.name }}{% endfor %}\n"
        "{% endfor %}{% endfor %}\n"
    )
    loops = template_loops(text)
    assert [(loop.variable, loop.through, loop.row, loop.line) for loop in loops] == [
        ("book", ("tags", "all"), "tag", 2)
    ]
    assert [read.path for read in loops[0].reads] == [("owner", "name")]


def test_included_templates_are_read_where_they_stand():
    files = {
        "row.html": "{{ book.author.name }}\n{% include 'row.html' %}{% include 'deeper.html' %}",
        "deeper.html": "{{ item.editor }} {{ book }}",
        "list.html": "{% for b in shelf.books.all %}{{ b.tags.count }}{% endfor %}",
    }
    text = (
        "{% for book in books %}{% include 'row.html' %}\n"
        "{% include 'deeper.html' with item=book book=other %}\n"
        "{% include 'deeper.html' with item=book.editor only %}{% include name %}{% endfor %}\n"
        "{% include 'list.html' with shelf=featured %}{% include 'missing.html' %}\n"
    )
    loops = template_loops(text, lambda name: (name, files[name]) if name in files else None)
    assert [(loop.variable, loop.through, loop.template) for loop in loops] == [
        ("books", (), ""),
        ("featured", ("books", "all"), "list.html"),
    ]
    reads = [(r.path, r.line, r.template, r.shown) for r in loops[0].reads]
    assert reads == [
        (("author", "name"), 1, "row.html", True),
        ((), 1, "deeper.html", True),  # {{ book }} through row.html (not row.html again)
        (("editor",), 1, "deeper.html", True),  # item=book, book=other: only item is the row
        (("editor",), 3, "", False),  # the include tag's own argument
        (("editor", "editor"), 1, "deeper.html", True),  # only: item alone, book hidden
    ]
    assert [(r.path, r.template) for r in loops[1].reads] == [(("tags", "count"), "list.html")]


def test_templates_are_found_by_name_in_templates_directories(tmp_path):
    page = tmp_path / "shop" / "templates" / "shop" / "list.html"
    page.parent.mkdir(parents=True)
    page.write_text("{% for b in books %}{% endfor %}")
    config = Config(root=tmp_path)
    assert find_template(config, "shop/list.html") == page
    assert find_template(config, "../shop/templates/shop/list.html") is None
    assert find_template(config, "/etc/passwd") is None
    assert find_template(config, "shop/missing.html") is None
    assert find_template(Config(root=tmp_path, exclude=("shop",)), "shop/list.html") is None


def test_templates_in_excluded_directories_are_not_found(tmp_path):
    for parent in ("node_modules", "app"):
        page = tmp_path / parent / "templates" / "shop" / f"{parent}.html"
        page.parent.mkdir(parents=True)
        page.write_text("{% for b in books %}{% endfor %}")
    config = Config(root=tmp_path)
    assert find_template(config, "shop/node_modules.html") is None
    assert (
        find_template(config, "shop/app.html")
        == tmp_path / "app" / "templates" / "shop" / "app.html"
    )


def test_an_undecodable_template_is_read_and_the_run_goes_on(project):
    (project / "shop").mkdir()
    (project / "shop" / "__init__.py").write_text("")
    (project / "shop" / "models.py").write_text(
        "from django.db import models\n\n"
        "class Author(models.Model):\n    name = models.CharField(max_length=10)\n\n"
        "class Book(models.Model):\n"
        "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n"
    )
    (project / "shop" / "views.py").write_text(
        "from django.shortcuts import render\nfrom shop.models import Book\n\n"
        "def books(request):\n"
        '    return render(request, "shop/books.html", {"books": Book.objects.all()})\n'
    )
    templates = project / "shop" / "templates" / "shop"
    templates.mkdir(parents=True)
    (templates / "books.html").write_bytes(
        b"\xff\xfe{% for book in books %}{{ book.author.name }}{% endfor %}"
    )
    result = run_cli("check", "--select", "EG103", ".")
    assert result.code == 1, result.err
    assert "shop/views.py:5:12: EG103 `books` is iterated in shop/templates/shop/books.html:1" in (
        result.out
    )
