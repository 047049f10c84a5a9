from collections import defaultdict

from django.db.models import Avg
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Recipe
from .serializers import RecipeSerializer


class RecipeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RecipeSerializer
    queryset = (
        Recipe.objects.select_related("author")
        .prefetch_related("items__ingredient")
        .order_by("-created")
    )

    @action(detail=False)
    def top_rated(self, request):
        recipes = Recipe.objects.annotate(avg_rating=Avg("reviews__rating")).order_by("-avg_rating")
        return Response([{"id": r.pk, "title": r.title, "rating": r.avg_rating} for r in recipes])

    @action(detail=False)
    def grocery_list(self, request):
        ids = request.query_params.getlist("recipe")
        totals = defaultdict(float)
        for recipe in Recipe.objects.filter(pk__in=ids):
            for item in recipe.items.all():
                totals[item.ingredient.name] += float(item.amount)
        return Response(totals)
