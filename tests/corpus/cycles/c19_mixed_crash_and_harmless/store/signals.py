from store.models import Product


def post_save(instance):
    return isinstance(instance, Product)
