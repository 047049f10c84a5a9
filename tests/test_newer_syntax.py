"""Files written for a newer Python than the one running errguard (the suite runs on 3.10-3.13).

Syntax up to the running version is parsed by ``ast`` as usual. Python 3.14's ``except A, B:``
is checked on every version. Other newer syntax is skipped with a note on stderr, never EG001.
"""

from __future__ import annotations

import ast
import json
import sys
import textwrap

import pytest

from errguard.astutil import parse_or_none
from errguard.newer_syntax import NewerSyntax, parse_source
from tests.conftest import run_subprocess

RUNNING = sys.version_info[:2]
# For tests that need a file this Python skips: t-strings are the newest syntax there is.
before_314 = pytest.mark.skipif(RUNNING >= (3, 14), reason="Python 3.14 parses t-strings itself")

# Python 3.14 (PEP 758): checked everywhere; the finding is on `Exception` in the tuple.
EXCEPT_TUPLE = """\
def load(read):
    try:
        return read()
    except ValueError, Exception:
        pass
"""
EXCEPT_TUPLE_FINDING = (
    "app/handlers.py:4:24: EG402 `except Exception` swallows every error silently; log it, "
    "re-raise, or catch the specific exceptions you expect"
)
# (file name, source, the Python errguard checks it from, the Python the note asks for, what the
# note names). Below the first version the file is skipped with a note.
NEWER = [
    ("tstring.py", 'greeting = t"Hello {name}"\n', (3, 14), (3, 14), "t-string"),
    (
        "except_star_tuple.py",  # on 3.11+, except* is known and the tuple read as everywhere
        "try:\n    pass\nexcept* OSError, ValueError:\n    pass\n",
        (3, 11),
        (3, 14),
        "except without parentheses, except*",
    ),
    ("defaults.py", "class Box[T = int]:\n    pass\n", (3, 13), (3, 13), "type parameter default"),
    ("alias.py", "type Ids = list[int]\n", (3, 12), (3, 12), "type statement"),
    (
        "generic.py",
        "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        (3, 12),
        (3, 12),
        "type parameters",
    ),
    ("quotes.py", 'names = {"k": 1}\nprint(f"{names["k"]}")\n', (3, 12), (3, 12), "PEP 701"),
    ("comment.py", "x = 1\nprint(f'''{\n    x  # the value\n}''')\n", (3, 12), (3, 12), "PEP 701"),
    ("backslash.py", "print(f\"{'\\n'.join(['a'])}\")\n", (3, 12), (3, 12), "PEP 701"),
    (
        "call.py",  # before 3.12 the error is placed on the call's closing parenthesis
        "import re\n\nprint(\n    f\"^{re.escape('a').replace(r'\\*', r'.')}$\"\n)\n",
        (3, 12),
        (3, 12),
        "PEP 701",
    ),
    ("star.py", "try:\n    pass\nexcept* OSError:\n    pass\n", (3, 11), (3, 11), "except*"),
    (
        "unpack.py",
        "def f(*args: *tuple[int, ...]):\n    return args\n",
        (3, 11),
        (3, 11),
        "`*args: *Ts`",
    ),
]
INVALID_EVERYWHERE = [
    ("def total(items:\n    return sum(items)\n", 1),
    ("print 'hello'\n", 1),
    ("try:\n    pass\nexcept ValueError, TypeError as error:\n    pass\n", 3),
    ('greeting = t"Hello" "world"\n', 1),  # Python 3.14 does not mix t-strings with strings
    # Valid 3.14 syntax first, then an error of its own (libcst accepts that bytes literal).
    ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\nx = b'caf\u00e9'\n", 5),
]


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize("case", NEWER, ids=[case[0] for case in NEWER])
def test_newer_syntax_is_never_a_parse_error(project, cli, case):
    name, source, checked_from, needs, feature = case
    write(project, {f"app/{name}": source})
    result = cli("check", "--no-cache", "--format", "concise")
    assert "EG001" not in result.out
    assert result.code == 0
    if checked_from > RUNNING:
        dotted = ".".join(map(str, needs))
        assert result.err.startswith(f"errguard: app/{name}: uses Python {dotted} syntax (")
        assert feature in result.err.splitlines()[0]
        assert f"run errguard under Python >= {dotted} to check it" in result.err
        assert "All checks passed (0 files checked)." in result.err
    else:
        assert result.err == "All checks passed (1 file checked).\n"


@pytest.mark.parametrize(("source", "line"), INVALID_EVERYWHERE)
def test_code_no_python_accepts_is_still_eg001(project, cli, source, line):
    write(project, {"broken.py": source})
    result = cli("check", "--no-cache", "--format", "concise")
    assert result.code == 1
    assert result.out.startswith(f"broken.py:{line}:")
    assert "EG001 file cannot be parsed: SyntaxError" in result.out
    assert "run errguard under" not in result.err


def test_except_without_parentheses_is_checked_on_every_version(project, cli):
    write(project, {"app/handlers.py": EXCEPT_TUPLE})
    result = cli("check", "--no-cache", "--format", "concise")
    assert result.out.splitlines() == [EXCEPT_TUPLE_FINDING]
    assert result.err == "Found 1 finding.\n"
    assert result.code == 1


def test_except_without_parentheses_reads_as_the_tuple_python_314_builds():
    source = "try:\n    pass\nexcept (A), b.C ,\\\n  d[1], (e | f), g():\n    pass\n"
    parenthesised = "try:\n    pass\nexcept ((A), b.C ,\\\n  d[1], (e | f), g()):\n    pass\n"
    handler = parse_source(source).body[0].handlers[0]
    expected = ast.parse(parenthesised).body[0].handlers[0]
    assert ast.dump(handler) == ast.dump(expected)
    caught = handler.type
    span = (caught.lineno, caught.col_offset, caught.end_lineno, caught.end_col_offset)
    assert span == (3, 7, 4, 20)  # from the first element's parenthesis to the last element
    starts = [(element.lineno, element.col_offset) for element in caught.elts]
    assert starts == [(3, 8), (3, 12), (4, 2), (4, 9), (4, 17)]


def test_columns_stay_utf8_offsets_after_non_ascii_text():
    handler = (
        parse_source("try:\n    pass\nexcept \u00c9A, \u00c9B:\n    pass\n").body[0].handlers[0]
    )
    assert [(e.col_offset, e.end_col_offset) for e in handler.type.elts] == [(7, 10), (12, 15)]


@before_314
def test_except_elements_that_bind_differently_with_bar_are_skipped_not_misread():
    with pytest.raises(NewerSyntax, match=r"3\.14 syntax \(except without parentheses\)"):
        parse_source("try:\n    pass\nexcept a if x else b, c:\n    pass\n")
    with pytest.raises(NewerSyntax):
        parse_source("try:\n    pass\nexcept a, not b:\n    pass\n")


def test_project_index_reads_except_tuples_and_skips_other_newer_syntax_quietly():
    assert isinstance(parse_or_none(EXCEPT_TUPLE).body[0].body[0].handlers[0].type, ast.Tuple)
    assert (parse_or_none('t"x"\n') is None) == (RUNNING < (3, 14))


MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    def price(self):
        try:
            return int(self.pk)
        except TypeError, ValueError:
            return 0
{extra}"""
VIEWS = """\
from shop.models import Book


def names():
    return [book.author.name for book in Book.objects.all()]
"""


def test_models_in_a_file_with_except_tuples_are_known_to_other_files(project, cli):
    write(
        project,
        {"shop/__init__.py": "", "shop/models.py": MODELS.format(extra=""), "shop/views.py": VIEWS},
    )
    result = cli("check", "--no-cache", "--format", "concise")
    assert result.out.startswith(
        "shop/views.py:5:13: EG101 N+1: book.author (Book.author → Author)"
    )
    assert "run errguard under" not in result.err


@before_314
def test_models_in_a_skipped_file_are_left_out_quietly(project, cli):
    models = MODELS.format(extra='\n\nGREETING = t"hello"\n')
    write(project, {"shop/__init__.py": "", "shop/models.py": models, "shop/views.py": VIEWS})
    result = cli("check", "--no-cache", "--format", "concise")
    # The model index does not know Book: the finding comes from how the loop uses it.
    assert "(Book.author, a relation by its use: Book is defined outside the project)" in result.out
    assert result.err.startswith(
        "errguard: shop/models.py: uses Python 3.14 syntax (except without parentheses, t-string);"
    )


@before_314
def test_one_note_lists_each_skipped_file_once_and_exit_code_ignores_them(project, cli):
    tstrings = {f"app/t{index}.py": 'x = t"{y}"\n' for index in range(3)}
    write(project, {**tstrings, "app/handlers.py": EXCEPT_TUPLE, "app/ok.py": "x = 1\n"})
    result = cli("check", "--no-cache", "--format", "concise")
    assert result.out.splitlines() == [EXCEPT_TUPLE_FINDING]
    assert result.code == 1
    running = ".".join(map(str, RUNNING))
    assert result.err.splitlines() == [
        f"errguard: 3 files not checked: Python {running} cannot parse them",
        "  app/t0.py: uses Python 3.14 syntax (t-string)",
        "  app/t1.py: uses Python 3.14 syntax (t-string)",
        "  app/t2.py: uses Python 3.14 syntax (t-string)",
        "errguard: run errguard under Python >= 3.14 to check them",
        "Found 1 finding.",
    ]
    (project / "app/handlers.py").unlink()
    assert cli("check", "--no-cache", "--format", "concise").code == 0


@before_314
@pytest.mark.parametrize("output", ["json", "sarif"])
def test_machine_output_is_unchanged_by_skipped_files(project, cli, output):
    write(project, {"app/handlers.py": EXCEPT_TUPLE})
    alone = cli("check", "--no-cache", "--format", output)
    write(project, {"app/tstring.py": 'x = t"{y}"\n'})
    together = cli("check", "--no-cache", "--format", output)
    assert together.out == alone.out
    assert together.code == alone.code == 1
    assert json.loads(together.out)
    assert "app/tstring.py: uses Python 3.14 syntax (t-string)" in together.err


@before_314
def test_fix_applies_to_except_tuple_files_and_leaves_skipped_files_alone(project, cli):
    bare = "try:\n    pass\nexcept:\n    pass\n"
    skipped = 'x = t"{y}"\n' + bare
    write(project, {"app/handlers.py": EXCEPT_TUPLE + bare, "app/tstring.py": skipped})
    result = cli("fix", "--no-cache")
    assert (project / "app/handlers.py").read_text() == EXCEPT_TUPLE + bare.replace(
        "except:", "except Exception:"
    )
    assert (project / "app/tstring.py").read_text() == skipped
    assert "app/tstring.py: uses Python 3.14 syntax (t-string)" in result.err
    assert "Fixed 1 finding in 1 file" in result.err


def test_cache_is_the_same_with_and_without_it(project, cli):
    models = MODELS.format(extra="")
    write(project, {"shop/__init__.py": "", "shop/models.py": models, "shop/views.py": VIEWS})
    uncached = cli("check", "--no-cache")
    first, second = cli("check"), cli("check")
    assert first.out == second.out == uncached.out != ""


@before_314
def test_subprocess_reports_skipped_files_on_stderr(project):
    write(project, {"app/tstring.py": 'x = t"{y}"\n', "app/handlers.py": EXCEPT_TUPLE})
    result = run_subprocess("check", "--no-cache", "--format", "concise", ".", cwd=project)
    assert result.code == 1
    assert result.out.splitlines() == [EXCEPT_TUPLE_FINDING]
    assert result.err.splitlines()[0] == (
        "errguard: app/tstring.py: uses Python 3.14 syntax (t-string); "
        "run errguard under Python >= 3.14 to check it"
    )
    assert "Traceback" not in result.err
