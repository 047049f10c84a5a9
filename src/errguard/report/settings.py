"""``errguard check --show-files`` and ``--show-settings``: what a run would check, and with
which configuration, without checking anything."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from errguard.config import DEFAULT_EXCLUDES, Config
from errguard.detect.source import display_path
from errguard.registry import load_rules, same_checks

# Settings named as in [tool.errguard] where the attribute's name differs from the key.
_KEYS = {
    "path": "config-file",
    "rule_options": "rules",
    "max_file_size_mb": "max-file-size",
    # Shown through what it switches off (``left-to-other-linters``), not as the raw tables.
    "ignored_elsewhere": None,
}


def show_files(files: Sequence[Path], cwd: Path) -> str:
    return "".join(f"{display_path(path, cwd)}\n" for path in sorted(files))


def _plain(value: Any) -> Any:
    """``value`` as JSON can show it: paths as strings, tuples as lists."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def show_settings(config: Config, enabled: Sequence[str], left_to_others: Mapping[str, str]) -> str:
    """Every setting of ``config`` (defaults included, one ``key: value`` line each, values as
    JSON), then what the run makes of them: the rules that run and those left to other
    linters."""
    lines = []
    for setting in dataclasses.fields(config):
        key = _KEYS.get(setting.name, setting.name.replace("_", "-"))
        if key is None:
            continue
        value = getattr(config, setting.name)
        if setting.name == "path" and value is None:
            value = "none (defaults)"
        lines.append(f"{key}: {json.dumps(_plain(value))}")
    lines.append(f"default-excludes: {json.dumps(list(DEFAULT_EXCLUDES))}")
    lines.append(f"enabled-rules: {json.dumps(sorted(enabled))}")
    lines.append(f"left-to-other-linters: {json.dumps(dict(left_to_others))}")
    return "".join(f"{line}\n" for line in lines)


def show(
    config: Config, files: Sequence[Path], with_settings: bool, with_files: bool, cwd: Path
) -> str:
    """What ``--show-settings`` and ``--show-files`` print (both: the settings first)."""
    shown = []
    if with_settings:
        rules = load_rules()
        enabled = config.enabled_codes({code: rule.opt_in for code, rule in rules.items()})
        left = config.left_to_other_linters(same_checks(rules))
        shown.append(show_settings(config, sorted(enabled), left))
    if with_files:
        shown.append(show_files(files, cwd))
    return "\n".join(shown)
