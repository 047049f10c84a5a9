from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()


class SalesOrder(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="sales_orders")
    reference = models.CharField(max_length=30, unique=True)


class Shipment(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="shipments")
    tracking_number = models.CharField(max_length=40, unique=True)
    carrier = models.CharField(max_length=20)
    status = models.CharField(max_length=20, default="label_created")
    last_event = models.CharField(max_length=200, blank=True)


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=20)
    description = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
