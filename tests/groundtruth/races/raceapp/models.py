from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "raceapp"


class Label(models.Model):
    # Not unique: get_or_create() would race too, so errguard's fix is the unsafe tier here.
    text = models.CharField(max_length=50)
    colour = models.CharField(max_length=20, default="grey")

    class Meta:
        app_label = "raceapp"


class Counter(models.Model):
    name = models.CharField(max_length=50, unique=True)
    hits = models.IntegerField(default=0)
    misses = models.IntegerField(default=0)

    class Meta:
        app_label = "raceapp"
