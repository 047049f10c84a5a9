from dataclasses import dataclass

from shop.errors import ApiError
from shop.models import Product
from shop.tasks import notify_low_stock

LOW_STOCK = 5


@dataclass
class Reservation:
    product: Product
    left: int


def reserve(sku, quantity):
    product = Product.objects.get(sku=sku)
    if product.stock < quantity:
        raise ApiError("CONFLICT_OUT_OF_STOCK", f"Only {product.stock} left of {sku}.", 409)
    product.stock -= quantity
    product.save(update_fields=["stock"])
    if product.stock < LOW_STOCK:
        notify_low_stock(Reservation(product, product.stock))
    return product
