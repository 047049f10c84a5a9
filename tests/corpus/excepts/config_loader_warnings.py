"""Configuration loading for the ``toolbelt`` package."""
import os
import sys
import traceback
import warnings

DEFAULT_PATHS = ("/etc/toolbelt.yaml", os.path.expanduser("~/.config/toolbelt.yaml"))


def _load_yaml(path):
    try:
        import yaml
    except ImportError:
        warnings.warn("PyYAML not installed; ignoring %s" % path, RuntimeWarning)
        return {}
    with open(path) as fh:
        return yaml.safe_load(fh) or {}


def load_config(paths=DEFAULT_PATHS):
    merged = {}
    for path in paths:
        if not os.path.exists(path):
            continue
        try:
            merged.update(_load_yaml(path))
        except Exception as e:
            warnings.warn(f"could not read config file {path}: {e}", RuntimeWarning, stacklevel=2)
    return merged


def run_hooks(hooks, *args):
    for hook in hooks:
        try:
            hook(*args)
        except Exception:
            traceback.print_exc()


def emit(callback, event):
    try:
        callback(event)
    except Exception:
        print("callback %r failed for %s" % (callback, event), file=sys.stderr)


def main():
    try:
        cfg = load_config()
    except BaseException:
        print("fatal error loading configuration", file=sys.stderr)
        raise
    run_hooks(cfg.get("startup_hooks", []), cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
