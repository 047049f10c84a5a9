from django.db import models


class Product(models.Model):
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)


class Bin(models.Model):
    code = models.CharField(max_length=12, unique=True)
    zone = models.CharField(max_length=4)


class Stock(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    bin = models.ForeignKey(Bin, on_delete=models.CASCADE, related_name="stock")
    qty = models.IntegerField()


class PickOrder(models.Model):
    reference = models.CharField(max_length=30)
    created = models.DateTimeField(auto_now_add=True)


class PickLine(models.Model):
    order = models.ForeignKey(PickOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="picklines")
    qty = models.PositiveIntegerField()
    bin = models.ForeignKey(Bin, on_delete=models.SET_NULL, null=True, blank=True)
