"""EG101 following a loop's row into the project's functions and methods (``_nplusone_calls``)."""

from __future__ import annotations

import ast

from errguard.models import Valid
from errguard.project.functions import FunctionIndex
from errguard.rules._shared.example_models import SHOP
from errguard.rules.queries._nplusone_known import GIVEN, known_values, taken
from errguard.rules.queries.n_plus_one import NPlusOne
from tests.example_harness import findings

LOOP = """
from shop.lib import describe
from shop.models import Book

def catalogue():
    for book in Book.objects.all():
        print(describe(book))
"""


def _messages(tmp_path, files, code=LOOP):
    tmp_path.mkdir(parents=True, exist_ok=True)
    example = Valid(code, files={**SHOP, **files})
    return [v.message for v in findings(NPlusOne, example, tmp_path)]


def test_follows_a_re_export_and_a_sibling_module(tmp_path):
    files = {
        "shop/lib/__init__.py": "from shop.lib.text import describe\n",
        "shop/lib/text.py": (
            "from shop.lib import names\n\ndef describe(book):\n    return names.credit(book)\n"
        ),
        "shop/lib/names.py": "def credit(book):\n    return book.author.name\n",
    }
    [message] = _messages(tmp_path, files)
    assert message.startswith(
        "N+1: describe(book) -> credit(), which reads book.author (Book.author → Author)"
    )
    assert "add .select_related" in message


def test_stops_three_calls_deep(tmp_path):
    files = {
        "shop/lib.py": (
            "def describe(book):\n    return one(book)\n\n"
            "def one(book):\n    return two(book)\n\n"
            "def two(book):\n    return three(book)\n\n"
            "def three(book):\n    return book.author.name\n"
        )
    }
    assert _messages(tmp_path, files) == []


def test_recursion_ends(tmp_path):
    files = {
        "shop/lib.py": (
            "def describe(book, depth=3):\n"
            "    if depth:\n"
            "        return describe(book, depth - 1)\n"
            "    return book.author.name\n"
        )
    }
    # With the default, the first call only recurses; the recursive call is not entered again.
    assert _messages(tmp_path / "default", files) == []
    code = LOOP.replace("describe(book)", "describe(book, len(book.title))")
    assert len(_messages(tmp_path / "passed", files, code)) == 1


def test_passed_argument_rules_out_the_none_branch(tmp_path):
    files = {
        "shop/lib.py": (
            "def describe(book, author=None):\n"
            "    if author is None:\n"
            "        author = book.author\n"
            "    return author.name\n"
        )
    }
    code = LOOP.replace("describe(book)", "describe(book, author=fallback)").replace(
        "def catalogue():", "def catalogue(fallback):"
    )
    assert _messages(tmp_path, files, code) == []
    assert len(_messages(tmp_path / "default", {**files}, LOOP)) == 1


def test_callee_that_queries_or_writes_in_what_it_calls_is_not_followed(tmp_path):
    files = {
        "shop/lib.py": (
            "from shop.models import Review\n\n"
            "def describe(book):\n"
            "    log(book)\n"
            "    return book.author.name\n\n"
            "def log(book):\n"
            "    Review.objects.create(book=book, stars=0)\n"
        )
    }
    assert _messages(tmp_path, files) == []


def test_rebound_parameter_is_another_object(tmp_path):
    files = {
        "shop/lib.py": (
            "from shop.models import Book\n\n"
            "def describe(book):\n"
            "    book = Book.objects.select_related('author').get(pk=book.pk)\n"
            "    return book.author.name\n"
        )
    }
    assert _messages(tmp_path, files) == []


def test_known_values_and_taken_branches():
    module = ast.parse(
        "def f(row, full=False, *, site=None):\n"
        "    if full:\n"
        "        return 1\n"
        "    if site is None:\n"
        "        return 2\n"
        "    return 3\n"
        "f(x, site=s)\n"
    )
    function, call_stmt = module.body
    assert isinstance(function, ast.FunctionDef)
    assert isinstance(call_stmt, ast.Expr)
    assert isinstance(call_stmt.value, ast.Call)
    known = dict(known_values(function, call_stmt.value, {}))
    assert known == {"row": GIVEN, "full": False, "site": GIVEN}
    returned = [stmt.value.value for stmt in taken(function.body, known)]  # type: ignore[attr-defined]
    assert returned == [3]


def test_function_index_parses_only_on_demand(tmp_path):
    sources = {
        tmp_path / "app" / "__init__.py": b"from app.tools import run\n",
        tmp_path / "app" / "tools.py": b"def run(x):\n    return x\n",
        tmp_path / "app" / "broken.py": b"def (:\n",
    }
    for path, data in sources.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    index = FunctionIndex(sources, ())
    found = index.function("app.run")
    assert found is not None
    assert found[0].name == "app.tools"
    assert found[1].name == "run"
    assert index.module("app.broken") is None
    assert index.function("app.missing") is None


def test_a_query_under_a_test_of_a_passed_argument_still_counts_as_work(tmp_path):
    # ``cache`` may be None on some iterations: the query may run, the callee is busy.
    files = {
        "shop/lib.py": (
            "from shop.models import Review\n\n"
            "def describe(book, cache=None):\n"
            "    if cache is None:\n"
            "        cache = list(Review.objects.all())\n"
            "    return book.author.name\n"
        )
    }
    code = LOOP.replace("describe(book)", "describe(book, cache=cached)").replace(
        "def catalogue():", "def catalogue(cached):"
    )
    assert _messages(tmp_path, files, code) == []
