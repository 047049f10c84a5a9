from store.signals import post_save


class Product:
    def save(self):
        post_save(self)
