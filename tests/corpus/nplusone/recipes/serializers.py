from django.db.models import Avg
from rest_framework import serializers

from .models import Recipe, RecipeIngredient


class RecipeIngredientSerializer(serializers.ModelSerializer):
    ingredient = serializers.CharField(source="ingredient.name", read_only=True)

    class Meta:
        model = RecipeIngredient
        fields = ["ingredient", "amount"]


class RecipeSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    items = RecipeIngredientSerializer(many=True, read_only=True)
    average_rating = serializers.SerializerMethodField()
    shopping_list = serializers.SerializerMethodField()

    class Meta:
        model = Recipe
        fields = ["id", "title", "author", "servings", "items", "average_rating", "shopping_list"]

    def get_average_rating(self, obj):
        return obj.reviews.aggregate(avg=Avg("rating"))["avg"]

    def get_shopping_list(self, obj):
        return sorted(item.ingredient.name for item in obj.items.all())
