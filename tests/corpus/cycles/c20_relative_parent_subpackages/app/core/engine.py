from ..plugins.loader import load_plugins


class Engine:
    def __init__(self):
        self.plugins = load_plugins(self)
