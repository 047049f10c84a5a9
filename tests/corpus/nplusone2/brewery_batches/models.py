from decimal import Decimal

from django.conf import settings
from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2, blank=True)


class Ingredient(models.Model):
    KINDS = [("malt", "Malt"), ("hop", "Hop"), ("yeast", "Yeast"), ("adjunct", "Adjunct")]

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=KINDS)
    unit = models.CharField(max_length=5, default="kg")
    unit_cost = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1.00"))
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingredients")


class Recipe(models.Model):
    name = models.CharField(max_length=120)
    style = models.CharField(max_length=60)
    target_abv = models.DecimalField(max_digits=4, decimal_places=1)
    ingredients = models.ManyToManyField(Ingredient, through="RecipeIngredient", related_name="recipes")


class RecipeIngredient(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="items")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=8, decimal_places=3)
    addition_minute = models.PositiveSmallIntegerField(default=0)


class Tank(models.Model):
    code = models.CharField(max_length=8, unique=True)
    capacity_l = models.PositiveIntegerField()


class Batch(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="batches")
    tank = models.ForeignKey(Tank, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches")
    brewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    brewed_on = models.DateField()
    volume_l = models.DecimalField(max_digits=8, decimal_places=1, default=Decimal("100"))
    status = models.CharField(max_length=12, default="planned")

    class Meta:
        verbose_name_plural = "batches"

    def __str__(self):
        return f"{self.recipe.name} #{self.pk}"

    def ingredient_cost(self):
        scale = self.volume_l / 100
        return sum((item.amount * item.ingredient.unit_cost * scale for item in self.recipe.items.all()), Decimal("0"))


class GravityReading(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="readings")
    taken = models.DateTimeField()
    sg = models.DecimalField(max_digits=5, decimal_places=3)
    temp_c = models.DecimalField(max_digits=4, decimal_places=1)
