"""Minimal stand-ins for third-party packages that are not installed in the
verification venv (celery, openpyxl).  They only need to make case code run."""
import io
import sys
import types


def install():
    # ---- celery -------------------------------------------------------
    celery = types.ModuleType("celery")

    class _Task:
        def __init__(self, fn, bind=False, **opts):
            self.fn = fn
            self.bind = bind
            self.name = opts.get("name") or f"{fn.__module__}.{fn.__name__}"
            self.__name__ = fn.__name__
            self.__doc__ = fn.__doc__

        def __call__(self, *args, **kwargs):
            if self.bind:
                return self.fn(self, *args, **kwargs)
            return self.fn(*args, **kwargs)

        def delay(self, *args, **kwargs):
            return self(*args, **kwargs)

        def apply_async(self, args=(), kwargs=None, **_):
            return self(*args, **(kwargs or {}))

        def retry(self, exc=None, **_):
            raise exc or RuntimeError("retry")

    def shared_task(*args, **kwargs):
        if args and callable(args[0]) and not kwargs:
            return _Task(args[0])

        def deco(fn):
            return _Task(fn, **kwargs)

        return deco

    celery.shared_task = shared_task
    celery.Task = _Task
    sys.modules.setdefault("celery", celery)

    # ---- openpyxl -----------------------------------------------------
    openpyxl = types.ModuleType("openpyxl")

    class _Sheet:
        def __init__(self, title="Sheet"):
            self.title = title
            self.rows = []

        def append(self, row):
            self.rows.append(list(row))

    class Workbook:
        def __init__(self):
            self.sheets = [_Sheet()]

        @property
        def active(self):
            return self.sheets[0]

        def create_sheet(self, title=None):
            s = _Sheet(title or "Sheet%d" % len(self.sheets))
            self.sheets.append(s)
            return s

        def save(self, fp):
            buf = io.StringIO()
            for s in self.sheets:
                for r in s.rows:
                    buf.write("\t".join(map(str, r)) + "\n")
            data = buf.getvalue().encode()
            if hasattr(fp, "write"):
                fp.write(data)
            else:
                with open(fp, "wb") as fh:
                    fh.write(data)

    openpyxl.Workbook = Workbook
    sys.modules.setdefault("openpyxl", openpyxl)
