from .views import OrderDetailView


class OrderSerializer:
    fields = ("id", "total")

    def detail_url(self, obj):
        return OrderDetailView.url_for(obj)
