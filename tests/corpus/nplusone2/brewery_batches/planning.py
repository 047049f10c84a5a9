from collections import defaultdict
from decimal import Decimal

from .models import Batch, Recipe, RecipeIngredient


def shopping_list(batch_ids):
    totals = defaultdict(Decimal)
    batches = Batch.objects.filter(pk__in=batch_ids).select_related("recipe").prefetch_related("recipe__items__ingredient")
    for batch in batches:
        scale = batch.volume_l / 100
        for item in batch.recipe.items.all():
            totals[item.ingredient.name] += item.amount * scale
    return dict(totals)


def costings():
    costs = {}
    for batch in Batch.objects.select_related("recipe").order_by("pk"):
        costs[batch.pk] = batch.ingredient_cost()
    return costs


def supplier_exposure():
    exposure = {}
    for recipe in Recipe.objects.prefetch_related("ingredients__supplier"):
        exposure[recipe.name] = sorted({i.supplier.name for i in recipe.ingredients.all() if i.supplier_id})
    return exposure


def recipe_sheet(recipe):
    lines = []
    for item in RecipeIngredient.objects.filter(recipe=recipe).order_by("addition_minute"):
        lines.append(f"{item.addition_minute:>3} min  {item.amount} {item.ingredient.unit} {item.ingredient.name}")
    return lines
