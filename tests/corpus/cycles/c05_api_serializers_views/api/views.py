from .serializers import OrderSerializer


class OrderDetailView:
    serializer_class = OrderSerializer

    @staticmethod
    def url_for(obj):
        return f"/orders/{obj['id']}/"
