from shop import models


def order_saved(instance):
    return isinstance(instance, models.Order)
