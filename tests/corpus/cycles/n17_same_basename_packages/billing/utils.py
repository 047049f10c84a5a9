from .models import Invoice


def empty_invoice():
    return Invoice(None)
