from __future__ import annotations

import ast
from pathlib import Path

from errguard.project import Project


def _write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_call_sites_by_name_with_their_function_and_class(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/views.py": (
                "from shop.models import hit\n\n"
                "class Page:\n"
                "    def show(self, counter):\n"
                "        counter.hit()\n\n"
                "def view(pk):\n"
                "    hit(pk)\n"
                "    return [hitch(pk) for _ in range(2)]\n"
            ),
            "shop/other.py": "def unrelated():\n    return 1\n",
            "shop/broken.py": "def hit(:\n",
        },
    )
    sites = Project(tmp_path).calls.sites("hit")
    found = sorted(
        (
            site.path.name,
            site.call.lineno,
            ast.unparse(site.call),
            site.function.name if site.function else None,
            site.owner.name if site.owner else None,
        )
        for site in sites
    )
    assert found == [
        ("views.py", 5, "counter.hit()", "show", "Page"),
        ("views.py", 8, "hit(pk)", "view", None),
    ]


def test_a_project_without_files_has_no_call_sites() -> None:
    assert Project.empty().calls.sites("save") == ()
