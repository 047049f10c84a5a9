from .apps import PollsConfig


class Question:
    app_config = PollsConfig
