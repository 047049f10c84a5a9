"""A finding's identity survives layout changes and edits elsewhere, and changes with its code."""

from __future__ import annotations

import textwrap

from errguard.baseline.fingerprint import Identity, identify_source
from errguard.detect.engine import Engine
from errguard.detect.source import SourceFile
from errguard.registry import load_rules

ORIGINAL = """
def handler(request):
    try:
        work(request, "a")
    except:
        log.error("failed")
"""


def _identities(code: str, tmp_path, name: str = "app.py") -> list[Identity]:
    """Check ``code`` with every rule and identify its findings, as a baseline would."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
    source = SourceFile.read(path, name)
    engine = Engine([rule({}) for rule in load_rules().values() if not rule.opt_in])
    violations = engine.check(source).violations
    assert violations, "the code must have findings"
    return identify_source(violations, source, None, tmp_path)


def test_the_identity_names_rule_file_scope_and_never_a_line(tmp_path):
    (identity,) = _identities(ORIGINAL, tmp_path, "pkg/app.py")
    assert (identity.code, identity.path, identity.scope) == ("EG401", "pkg/app.py", "handler")
    assert len(identity.fingerprint) == 16
    assert int(identity.fingerprint, 16) >= 0


def test_layout_comments_and_lines_above_do_not_change_it(tmp_path):
    reformatted = """
    import logging
    # a comment, and blank lines, above



    def handler(request):
      try:
        work(
          request,
          'a',
        )
      except :   # why not
        log.error(
            'failed'
        )
    """
    assert _identities(reformatted, tmp_path) == _identities(ORIGINAL, tmp_path)


def test_an_edit_inside_the_flagged_statements_body_does_not_change_it(tmp_path):
    edited = ORIGINAL.replace('log.error("failed")', 'log.error("failed")\n        retry()')
    assert _identities(edited, tmp_path) == _identities(ORIGINAL, tmp_path)


def test_a_renamed_function_keeps_the_fingerprint_and_changes_the_scope(tmp_path):
    (before,) = _identities(ORIGINAL, tmp_path)
    (after,) = _identities(ORIGINAL.replace("def handler", "def handle_order"), tmp_path)
    assert after.fingerprint == before.fingerprint
    assert (before.scope, after.scope) == ("handler", "handle_order")


def test_methods_are_scoped_by_their_class(tmp_path):
    in_class = "class Orders:\n" + textwrap.indent(textwrap.dedent(ORIGINAL), "    ")
    (identity,) = _identities(in_class, tmp_path)
    assert identity.scope == "Orders.handler"
    assert identity.fingerprint == _identities(ORIGINAL, tmp_path)[0].fingerprint


def test_different_flagged_code_has_a_different_fingerprint(tmp_path):
    broad = """
    def handler(request):
        try:
            work(request)
        except Exception:
            pass
        try:
            work(request)
        except BaseException:
            pass
    """
    first, second = _identities(broad, tmp_path)
    assert first.code == second.code == "EG402"
    assert first.fingerprint != second.fingerprint


def test_a_file_that_does_not_parse_is_identified_by_its_rule_and_file(tmp_path):
    (identity,) = _identities("def f(:\n    pass\n", tmp_path)
    assert (identity.code, identity.path, identity.scope) == ("EG001", "app.py", "")
