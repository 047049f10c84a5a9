from orders import models


def handle(order: models.Order) -> bool:
    return order.pk is not None
