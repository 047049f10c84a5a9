import importlib

PLUGINS = {}
PLUGIN_MODULES = ["plugins.csv_plugin", "plugins.json_plugin"]


def register(cls):
    PLUGINS[cls.name] = cls
    return cls


def autodiscover():
    for path in PLUGIN_MODULES:
        importlib.import_module(path)
    return PLUGINS
