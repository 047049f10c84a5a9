"""errguard never crashes on input: every odd file is a finding, and the other files still run."""

from __future__ import annotations

import json
import sys
import textwrap
import tracemalloc
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.fixer import FixEngine
from errguard.registry import load_rules
from tests.conftest import run_cli

BARE = b"try:\n    x()\nexcept:\n    log.error('e')\n"
LEAK_VIEW = textwrap.dedent(
    """
    from django.http import JsonResponse

    def view(request):
        try:
            work()
        except Exception as e:
            return JsonResponse({"error": DEEP + str(e)})
    """
)


def all_rules_engine():
    return Engine([rule() for rule in load_rules().values()])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"x = '\xff\xfe'\n", "SyntaxError: (unicode error)"),
        (b"x = 1\n\x00\n", "source contains a null byte"),
        (b"# -*- coding: klingon -*-\nx = 1\n", "SyntaxError: unknown encoding"),
        (b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n", "too many nested parentheses"),
        pytest.param(
            b"x = " + b"1+" * 100_000 + b"1\n",
            "too deeply nested to parse",
            # Python 3.10's parser builds the 100,000-deep tree (only compiling it fails), and the
            # rules walk it without recursion: there is nothing to report.
            marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="parses on 3.10"),
        ),
        (b"x = " + b"-" * 200_000 + b"1\n", "too deeply nested or too big to parse"),
        (
            b"".join(b" " * i + b"if x:\n" for i in range(110)) + b" " * 110 + b"pass\n",
            "indentation",
        ),
        (b"\tif x:\n  pass\n", "IndentationError"),
    ],
    ids=["bad-utf8", "null", "bad-cookie", "parens", "deep-binop", "deep-unary", "indent", "tabs"],
)
def test_bad_file_is_eg001_and_other_files_still_checked(project, content, reason):
    (project / "a_bad.py").write_bytes(content)
    (project / "b_ok.py").write_bytes(BARE)
    result = run_cli("check", "--format", "concise")
    assert result.code == 1
    first, second = result.out.splitlines()
    assert first.startswith("a_bad.py:")
    assert " EG001 file cannot be parsed: " in first
    assert reason in first
    assert second.startswith("b_ok.py:3:1: EG401")
    assert "Traceback" not in result.err
    assert "internal error" not in result.err
    # The full format reads the files again for its snippets: a bad one just has none.
    shown = run_cli("check")
    assert (shown.code, shown.err) == (1, result.err)
    assert shown.out.startswith(first)


def test_expression_too_deep_for_a_rule_is_reported_not_crashed(project):
    deep = " + ".join(["'x'"] * 2500)
    (project / "view.py").write_text(LEAK_VIEW.replace("DEEP", deep))
    result = run_cli("check")
    assert "Traceback" not in result.err
    assert "internal error" not in result.err
    assert result.code == 1


def test_unreadable_path_is_eg001(project):
    (project / "dangling.py").symlink_to(project / "missing.py")
    (project / "ok.py").write_bytes(BARE)
    result = run_cli("check")
    assert result.code == 1
    assert result.out.startswith("dangling.py:1:1: EG001 file cannot be parsed: cannot read file")
    assert "ok.py:3:1: EG401" in result.out


@pytest.mark.parametrize(
    "content",
    [b"", b"\xef\xbb\xbf", b"# only a comment", b"\n\n\n", b"x = 1\r\ny = 2\r\n", b"\x0c\n"],
    ids=["empty", "bom-only", "comment-no-newline", "blank", "crlf", "formfeed"],
)
def test_trivial_files_are_clean(project, content):
    (project / "a.py").write_bytes(content)
    assert run_cli("check").code == 0


def test_huge_file(project):
    """120,000 lines: detection (stdlib ast only) stays quick; libcst is never loaded for it."""
    block = BARE.decode() + "def f(x):\n    return x\n"
    (project / "big.py").write_text(block * 20_000)
    result = run_cli("check")
    assert result.code == 1
    assert result.out.count(" EG401 ") == 20_000


def _n_plus_one_functions(count: int) -> str:
    """``count`` functions, each an N+1 loop that calls the one before (helper analysis)."""
    blocks = ["from shop.models import Book\n"]
    for i in range(count):
        blocks.append(
            f"\ndef f{i}(x):\n    for b in Book.objects.filter(pk=x):\n"
            f"        print(b.author.name, f{max(i - 1, 0)}(x))\n"
        )
    return "".join(blocks)


def test_memory_grows_linearly_with_the_functions_of_a_file(project):
    """Twice the functions, about twice the peak memory (it was the square: 20 MB -> 24 GB)."""
    from errguard.config import Config
    from errguard.runner import Job, check_file

    def peak(count: int) -> int:
        path = project / f"gen{count}.py"
        path.write_text(_n_plus_one_functions(count))
        tracemalloc.start()
        try:
            result = check_file(path, Job(Config(project), project))
            _, top = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert [v.code for v in result.violations] == ["EG101"] * count
        return top

    small, large = peak(300), peak(600)
    assert large / small < 2.4, (small, large)


def test_many_fixable_findings_in_one_file(project):
    block = BARE.decode() + "def f(x):\n    return x\n"
    (project / "big.py").write_text(block * 1_000)
    edits = json.loads(run_cli("check", "--format", "json").out)
    assert len(edits) == 1_000
    assert all(item["fix"]["edits"][0]["content"] == " Exception" for item in edits)
    run_cli("fix")
    assert (project / "big.py").read_text() == block.replace("except:", "except Exception:") * 1_000


def test_non_ascii_columns_are_characters(project):
    (project / "a.py").write_text("try:\n    x()\nexcept Exception:  # TODO ü\n    pass\n")
    (project / "b.py").write_text("try:\n    x()\nexcept (ÜberError, Exception):\n    pass\n")
    result = run_cli("check", "--format", "concise")
    assert result.out.splitlines()[0].startswith("a.py:3:8: EG402")
    assert result.out.splitlines()[1].startswith("b.py:3:20: EG402")


EXAMPLE_SOURCES = [
    example.source
    for rule in load_rules().values()
    for example in (*rule.VALID, *rule.INVALID)
    if not example.files
]


@st.composite
def mutated_sources(draw):
    """A real example with a slice cut out and random text pasted in: mostly broken code."""
    source = draw(st.sampled_from(EXAMPLE_SOURCES))
    start = draw(st.integers(0, len(source)))
    end = draw(st.integers(start, len(source)))
    inserted = draw(
        st.text(alphabet=st.sampled_from(list("():\n \t'\"#except:pass raise e")), max_size=20)
    )
    return source[:start] + inserted + source[end:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_engine_and_fixer_never_raise(text):
    engine = all_rules_engine()
    source = SourceFile.from_text(text, "fuzz.py")
    result = engine.check(source)
    assert not result.errors
    fixed = FixEngine(engine, unsafe=True).fix(SourceFile.from_text(text, "fuzz.py"))
    if fixed.changed and _compiles(text):
        compile(fixed.text, "fuzz.py", "exec")


def _compiles(text):
    """Some trees parse but do not compile (``from __future__ import typo``): no fix mends those."""
    try:
        compile(text, "fuzz.py", "exec")
    except SyntaxError:
        return False
    return True


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(hypothesmith.from_grammar() | hypothesmith.from_node())
def test_generated_programs_are_checked_and_fixed_without_error(text):
    """Programs the Python grammar allows (hypothesmith): findings and fixes, never a crash; a
    fix of a program that compiles compiles too."""
    engine = all_rules_engine()
    result = engine.check(SourceFile.from_text(text, "generated.py"))
    assert not result.errors
    fixed = FixEngine(engine, unsafe=True).fix(SourceFile.from_text(text, "generated.py"))
    assert not fixed.errors
    if fixed.changed and _compiles(text):
        compile(fixed.text, "generated.py", "exec")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    result = all_rules_engine().check(SourceFile(Path("x.py"), "x.py", data))
    assert not result.errors
