from .models import Contact

_connected = []


def connect(sender):
    _connected.append(sender)


def is_contact(obj):
    return isinstance(obj, Contact)
