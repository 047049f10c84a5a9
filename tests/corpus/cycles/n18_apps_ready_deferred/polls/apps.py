class PollsConfig:
    name = "polls"

    def ready(self):
        from . import signals  # noqa: F401

        return signals.RECEIVERS
