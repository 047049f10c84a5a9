from .models import Question

RECEIVERS = [Question]


def config():
    from .apps import PollsConfig

    return PollsConfig()
