import importlib

__all__ = ["Widget", "Theme"]
_LAZY = {"Widget": ".widgets", "Theme": ".themes"}


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name], __name__)
        return getattr(module, name)
    raise AttributeError(name)
