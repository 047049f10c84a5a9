from django.db import models


class Warehouse(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    def __str__(self):
        return self.code


class Product(models.Model):
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    low_stock_threshold = models.PositiveIntegerField(default=5)

    def __str__(self):
        return f"{self.sku} {self.name}"


class StockLevel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock_levels")
    quantity = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="inventory_unique_stock_level"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="inventory_reserved_non_negative"
            ),
        ]

    @property
    def available(self):
        return self.quantity - self.reserved


class StockMovement(models.Model):
    RECEIPT = "receipt"
    SHIPMENT = "shipment"
    ADJUSTMENT = "adjustment"
    KIND_CHOICES = [(RECEIPT, "Receipt"), (SHIPMENT, "Shipment"), (ADJUSTMENT, "Adjustment")]

    stock_level = models.ForeignKey(StockLevel, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    delta = models.IntegerField()
    applied = models.BooleanField(default=False)
    reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
