def order_saved(instance):
    from shop.models import Order

    return isinstance(instance, Order)


def connect():
    from shop import models

    return models.Order
