from __future__ import annotations

from errguard.models import Invalid, Valid
from errguard.registry import Rule


class ParseError(Rule):
    """File cannot be read or parsed.

    ## What it does
    Reports a file errguard cannot check: a syntax error, bytes that are not valid in the file's
    encoding, a null byte, an unknown `# -*- coding: -*-` declaration, nesting too deep for the
    parser, a file too big to parse in the memory available, or a file that cannot be read. The
    finding carries the reason and the position.

    Syntax that only a newer Python than the one running errguard accepts is not a parse error:
    `except A, B:` without parentheses (Python 3.14) is checked under every Python; a file with
    other newer syntax (t-strings, `type` statements and type parameters, the f-strings of
    Python 3.12, `except*`) is skipped instead, and the run names it on stderr along with the
    Python that can check it.

    Test data is not reported either: a file below a `tests/` directory, inside a directory
    whose name no import can spell (`tests/git_data/02-invalid-files/jobs/broken.py`), is
    not a module of the project but input the tests read or load by path, invalid on purpose.
    A test module itself (`tests/test_views.py`) with a syntax error is still reported.

    ## Why is this bad?
    Python cannot import the file either, and none of the other rules have looked at it. errguard
    never stops on such a file: it reports it and goes on with the others.

    ## Example
    ```python
    def total(items:
        return sum(items)
    ```

    ## Use instead
    ```python
    def total(items):
        return sum(items)
    ```

    ## Fix safety
    There is no fix, and `errguard fix` leaves files that do not parse untouched.
    """

    code = "EG001"
    message = "file cannot be parsed: {reason}"

    VALID = (
        Valid("print('hello')\n"),
        Valid('greeting = t"Hello {name}"\n'),
    )
    INVALID = (
        Invalid(
            """
            def total(items:
                return sum(items)
            """,
            line=1,
        ),
        Invalid(
            "x = 1\n\0y = 2\n",
            line=2,
            column=1,
            message="file cannot be parsed: source contains a null byte",
        ),
        Invalid("# -*- coding: klingon -*-\nx = 1\n", line=1),
    )
