from .models import Contact

_connected = []


def connect(sender):
    _connected.append(sender)


connect(Contact)
