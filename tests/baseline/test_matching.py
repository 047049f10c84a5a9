"""The matching tiers, on identities: closest first, counts honoured, files gone or not."""

from __future__ import annotations

from errguard.baseline.fingerprint import Identity
from errguard.baseline.matching import compare, updated
from errguard.baseline.store import Entry


def _identity(path="app.py", scope="view", fingerprint="f1", context="c1", code="EG101"):
    return Identity(code, path, scope, fingerprint, context)


def _entry(identity, count=1, message="recorded"):
    return Entry(identity, count, message)


def _compare(entries, findings, *, gone=(), out_of_reach=()):
    return compare(
        entries,
        findings,
        in_reach=lambda entry: entry.identity.path not in out_of_reach,
        gone=lambda path: path in gone,
    )


def test_an_exact_match_is_preferred_to_a_renamed_scope():
    entries = [_entry(_identity(scope="old_name")), _entry(_identity())]
    comparison = _compare(entries, [_identity()])
    assert comparison.matches == (1,)
    assert [(entry.identity.scope, count) for entry, count in comparison.absent] == [
        ("old_name", 1)
    ]


def test_identical_findings_in_renamed_functions_keep_their_own_entries_by_context():
    entries = [
        _entry(_identity(scope="first", context="loop over orders")),
        _entry(_identity(scope="second", context="loop over items")),
    ]
    findings = [
        _identity(scope="renamed_second", context="loop over items"),
        _identity(scope="renamed_first", context="loop over orders"),
    ]
    assert _compare(entries, findings).matches == (1, 0)


def test_a_moved_file_matches_only_entries_of_files_that_are_gone():
    entries = [_entry(_identity(path="old/app.py"))]
    moved = [_identity(path="new/app.py")]
    assert _compare(entries, moved, gone={"old/app.py"}).matches == (0,)
    assert _compare(entries, moved).matches == (None,), "a copy: the original is still there"


def test_a_moved_file_with_a_renamed_function_still_matches():
    entries = [_entry(_identity(path="old/app.py", scope="view"))]
    findings = [_identity(path="new/app.py", scope="renamed_view", context="changed")]
    assert _compare(entries, findings, gone={"old/app.py"}).matches == (0,)


def test_counts_are_taken_one_finding_at_a_time():
    comparison = _compare([_entry(_identity(), count=2)], [_identity()] * 3)
    assert comparison.matches == (0, 0, None)
    fewer = _compare([_entry(_identity(), count=2)], [_identity()])
    assert fewer.fixed == 1


def test_entries_out_of_reach_neither_match_nor_count_as_fixed():
    entries = [_entry(_identity(path="other.py"))]
    comparison = _compare(entries, [], out_of_reach={"other.py"})
    assert (comparison.fixed, comparison.untouched) == (0, tuple(entries))


def test_different_code_or_rule_never_matches():
    entries = [_entry(_identity())]
    findings = [_identity(fingerprint="f2"), _identity(code="EG102")]
    assert _compare(entries, findings).matches == (None, None)


def test_an_update_drops_fixed_and_new_findings_and_records_the_others_as_they_are_now():
    kept_as_is = _entry(_identity(), message="as recorded")
    renamed = _entry(_identity(scope="old_name", fingerprint="f2"), message="old message")
    fixed = _entry(_identity(fingerprint="f3"))
    untouched = _entry(_identity(path="unchecked.py"))
    entries = [kept_as_is, renamed, fixed, untouched]
    findings = [_identity(), _identity(scope="new_name", fingerprint="f2"), _identity("new.py")]
    comparison = _compare(entries, findings, out_of_reach={"unchecked.py"})
    result = updated(entries, comparison, findings, ["now 1", "now 2", "now 3"])
    assert [(entry.identity, entry.message) for entry in result] == [
        (untouched.identity, "recorded"),
        (kept_as_is.identity, "as recorded"),
        (_identity(scope="new_name", fingerprint="f2"), "now 2"),
    ]
