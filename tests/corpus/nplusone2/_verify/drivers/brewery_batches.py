import datetime
from decimal import Decimal

from django.utils import timezone

from brewery_batches import planning, views
from brewery_batches.models import (Batch, GravityReading, Ingredient, Recipe, RecipeIngredient, Supplier,
                                    Tank)

from ._util import get


def seed(n):
    today = datetime.date.today()
    big = Recipe.objects.create(name="House IPA", style="IPA", target_abv=Decimal("6.0"))
    ids = []
    for i in range(n):
        sup = Supplier.objects.create(name=f"Sup{i}")
        ing = Ingredient.objects.create(name=f"Malt{i}", kind="malt", supplier=sup)
        RecipeIngredient.objects.create(recipe=big, ingredient=ing, amount=Decimal("2"), addition_minute=i)
        r = Recipe.objects.create(name=f"R{i}", style="Stout", target_abv=Decimal("5"))
        RecipeIngredient.objects.create(recipe=r, ingredient=ing, amount=Decimal("1"))
        tank = Tank.objects.create(code=f"FV{i}", capacity_l=1000)
        b = Batch.objects.create(recipe=r, tank=tank, brewed_on=today)
        f = Batch.objects.create(recipe=r, brewed_on=today, status="fermenting")
        GravityReading.objects.create(batch=f, taken=timezone.now(), sg=Decimal("1.050"), temp_c=Decimal("18"))
        ids.append(b.pk)
    return {"ids": ids, "big": big}


SCENARIOS = [
    ("schedule", lambda c: views.brewing_schedule(get())),
    ("fermenting", lambda c: views.fermenting_dashboard(get())),
    ("shopping", lambda c: planning.shopping_list(c["ids"])),
    ("costings", lambda c: planning.costings()),
    ("exposure", lambda c: planning.supplier_exposure()),
    ("sheet", lambda c: planning.recipe_sheet(c["big"])),
]

EXPECT = [
    ("views.py", '"label": str(batch),', "EG101",
     "Batch.__str__ reads self.recipe.name; the fermenting queryset has no select_related('recipe')"),
    ("planning.py", "costs[batch.pk] = batch.ingredient_cost()", "EG101",
     "ingredient_cost() iterates self.recipe.items and item.ingredient (not prefetched): queries per batch"),
    ("planning.py", 'lines.append(f"{item.addition_minute:>3} min  {item.amount} {item.ingredient.unit} {item.ingredient.name}")', "EG101",
     "through-model rows fetched without select_related('ingredient')"),
]

NEGATIVES = [
    ("views.py", 'rows = [{"batch": str(b), "tank": b.tank.code if b.tank else None} for b in batches]',
     "__str__ reads recipe, which is select_related together with tank"),
    ("views.py", "latest[reading.batch_id] = reading", "dict built before the loop, keyed by raw FK id"),
    ("views.py", '"sg": str(reading.sg) if reading else None,', "dict lookup"),
    ("planning.py", "for item in batch.recipe.items.all():", "prefetch_related('recipe__items__ingredient')"),
    ("planning.py", "totals[item.ingredient.name] += item.amount * scale", "ingredient prefetched"),
    ("planning.py", "exposure[recipe.name] = sorted({i.supplier.name for i in recipe.ingredients.all() if i.supplier_id})",
     "M2M through ingredients prefetched together with supplier"),
]
