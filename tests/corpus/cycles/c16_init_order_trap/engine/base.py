class BaseEngine:
    name = "base"


from .impl import FastEngine  # noqa: E402

DEFAULT = FastEngine
