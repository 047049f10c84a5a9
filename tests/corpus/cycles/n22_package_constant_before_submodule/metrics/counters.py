import metrics
from metrics import DEFAULT_NAMESPACE

USER_AGENT = "metrics/" + metrics.VERSION


class Counter:
    namespace = DEFAULT_NAMESPACE

    def __init__(self, name):
        self.name = name
