from .moderation import moderate


class Post:
    def __init__(self, title):
        self.title = title


class Comment:
    def __init__(self, post, text):
        self.post = post
        self.text = moderate(text)
