from blog import Comment

BANNED = {"spam"}


def moderate(text):
    return " ".join(w for w in text.split() if w not in BANNED)


def is_comment(obj):
    return isinstance(obj, Comment)
