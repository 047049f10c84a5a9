from orders import handlers


class Order:
    def __init__(self, pk):
        self.pk = pk

    def process(self):
        return handlers.handle(self)
