from shop.errors import ApiError
from shop.models import Product


def reserve(sku, quantity):
    product = Product.objects.get(sku=sku)
    if product.stock < quantity:
        raise ApiError("CONFLICT_OUT_OF_STOCK", f"Only {product.stock} left of {sku}.", 409)
    product.stock -= quantity
    product.save(update_fields=["stock"])
    return product
