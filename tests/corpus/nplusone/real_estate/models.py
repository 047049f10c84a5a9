from django.db import models


class Agency(models.Model):
    name = models.CharField(max_length=120)


class Agent(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="agents")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=30)


class Listing(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    lat = models.FloatField()
    lng = models.FloatField()
    bedrooms = models.PositiveSmallIntegerField(default=1)
    is_active = models.BooleanField(default=True)


class Photo(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    url = models.URLField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
