from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Review


class SellerReviewsView(APIView):
    def get(self, request, seller_id):
        reviews = (
            Review.objects.filter(product__seller_id=seller_id)
            .select_related("product__seller", "author")
            .order_by("-created")
        )
        payload = [
            {
                "product": review.product.name,
                "seller": review.product.seller.name,
                "author": review.author.get_username(),
                "rating": review.rating,
            }
            for review in reviews
        ]
        return Response(payload)


class LatestReviewsView(APIView):
    def get(self, request):
        reviews = Review.objects.select_related("product").order_by("-created")
        data = []
        for review in reviews:
            data.append(
                {
                    "product": review.product.name,
                    "seller": review.product.seller.name,
                    "author_id": review.author_id,
                    "rating": review.rating,
                }
            )
        return Response(data)
