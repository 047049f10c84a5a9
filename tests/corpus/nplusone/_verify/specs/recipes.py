from django.contrib.auth.models import User
from rest_framework.test import APIRequestFactory

from recipes.models import Ingredient, Recipe, RecipeIngredient, Review
from recipes.views import RecipeViewSet

rf = APIRequestFactory()


def seed(n):
    ids = []
    for i in range(n):
        u = User.objects.create(username="chef%d" % i)
        r = Recipe.objects.create(author=u, title="r%d" % i)
        ing = Ingredient.objects.create(name="ing%d" % i)
        RecipeIngredient.objects.create(recipe=r, ingredient=ing, amount=1)
        Review.objects.create(recipe=r, rating=4)
        ids.append(r.pk)
    return {"ids": ids}


def call(action, params=None):
    resp = RecipeViewSet.as_view({"get": action})(rf.get("/recipes/", params or {}))
    assert resp.status_code == 200, resp.data
    return resp.data


SCENARIOS = {
    "list": lambda n, d: call("list"),
    "top": lambda n, d: call("top_rated"),
    "grocery": lambda n, d: call("grocery_list", {"recipe": d["ids"]}),
}

# ---- labels ----
POSITIVES = [
    dict(file="serializers.py", match='return obj.reviews.aggregate(avg=Avg("rating"))["avg"]', code="EG101",
         why="implicit loop: SerializerMethodField runs per recipe; aggregate on reverse FK per object"),
    dict(file="views.py", match="for item in recipe.items.all():", code="EG101",
         why="reverse FK items iterated per recipe without prefetch"),
    dict(file="views.py", match="totals[item.ingredient.name] += float(item.amount)", code="EG101",
         why="ingredient FK of each item not loaded"),
]
NEGATIVES = [
    dict(file="serializers.py", match="return sorted(item.ingredient.name for item in obj.items.all())",
         why="prefetch_related('items__ingredient') on viewset queryset"),
    dict(file="views.py", match='return Response([{"id": r.pk, "title": r.title, "rating": r.avg_rating} for r in recipes])',
         why="annotate(Avg(...))"),
]
