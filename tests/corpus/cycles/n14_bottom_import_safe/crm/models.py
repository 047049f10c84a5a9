class Contact:
    def __init__(self, email):
        self.email = email


from . import signals  # noqa: E402,F401  (connect receivers)
