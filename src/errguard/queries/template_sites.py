"""Call sites inside Django templates: the template file, its line and the tag being rendered.

A relation loaded per row inside ``{% for %}`` runs its queries from Django's template engine,
which is library code: the innermost frame of project code is then the view's ``render()``
line, which says nothing about the loop. Every node the engine renders goes through
``Node.render_annotated(self, context)``, and each node knows its template (``node.origin``)
and its line (``node.token.lineno``): reading them from that frame names the template line.
"""

from __future__ import annotations

import sys
from types import CodeType, FrameType
from typing import Any

TEMPLATE_FUNCTION_PREFIXES = ("{%", "{{")
"""A call site whose function starts with one of these is a template tag or variable."""


def render_code() -> CodeType | None:
    """The code of ``Node.render_annotated``, once Django's template engine is imported."""
    base = sys.modules.get("django.template.base")
    node = getattr(base, "Node", None)
    render = getattr(node, "render_annotated", None)
    code = getattr(render, "__code__", None)
    return code if isinstance(code, CodeType) else None


def template_location(frame: FrameType) -> tuple[str, int, str] | None:
    """``(template file, line, "{% for book in books %}")`` of the node a render frame renders."""
    node: Any = frame.f_locals.get("self")
    origin_name = getattr(getattr(node, "origin", None), "name", None)
    token = getattr(node, "token", None)
    lineno = getattr(token, "lineno", None)
    contents = getattr(token, "contents", None)
    if not isinstance(origin_name, str) or not isinstance(lineno, int):
        return None
    if not isinstance(contents, str):
        contents = type(node).__name__
    is_variable = type(node).__name__ == "VariableNode"
    tag = f"{{{{ {contents} }}}}" if is_variable else f"{{% {contents} %}}"
    return origin_name, lineno, tag


def is_template_function(function: str) -> bool:
    return function.startswith(TEMPLATE_FUNCTION_PREFIXES)
