from shop.models import Order

RECEIVERS = []


def order_saved(instance):
    assert isinstance(instance, Order)
    for receiver in RECEIVERS:
        receiver(instance)
