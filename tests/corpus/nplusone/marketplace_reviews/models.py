from django.conf import settings
from django.db import models


class Seller(models.Model):
    name = models.CharField(max_length=120)
    verified = models.BooleanField(default=False)


class Product(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    rating_avg = models.FloatField(default=0)
    rating_count = models.PositiveIntegerField(default=0)


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="product_reviews")
    rating = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
