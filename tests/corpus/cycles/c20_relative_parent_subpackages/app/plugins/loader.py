from ..core.engine import Engine


def load_plugins(engine):
    assert isinstance(engine, Engine)
    return []
