"""Discover and load plugins registered via entry points."""
import importlib
import logging
from importlib.metadata import entry_points

log = logging.getLogger(__name__)

_registry = {}


def _iter_entry_points(group):
    eps = entry_points()
    if hasattr(eps, "select"):
        return eps.select(group=group)
    return eps.get(group, [])


def load_plugins(group="myapp.plugins"):
    for ep in _iter_entry_points(group):
        if ep.name in _registry:
            continue
        try:
            plugin = ep.load()
        except (ImportError, Exception):
            continue
        _registry[ep.name] = plugin
    return dict(_registry)


def load_builtin(name):
    try:
        module = importlib.import_module("myapp.builtin_plugins.%s" % name)
    except ImportError:
        log.debug("no builtin plugin named %s", name)
        return None
    return getattr(module, "plugin", None)


def get_plugin(name):
    try:
        return _registry[name]
    except KeyError:
        plugin = load_builtin(name)
        if plugin is None:
            raise LookupError("unknown plugin: %s" % name) from None
        _registry[name] = plugin
        return plugin
