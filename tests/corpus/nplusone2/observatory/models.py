from django.db import models


class Telescope(models.Model):
    name = models.CharField(max_length=100)
    aperture_m = models.DecimalField(max_digits=5, decimal_places=2)
    site = models.CharField(max_length=100)


class Instrument(models.Model):
    telescope = models.ForeignKey(Telescope, on_delete=models.CASCADE, related_name="instruments")
    name = models.CharField(max_length=100)
    mode = models.CharField(max_length=20, default="imaging")


class Investigator(models.Model):
    name = models.CharField(max_length=200)
    institute = models.CharField(max_length=200)


class Proposal(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=255)
    pi = models.ForeignKey(Investigator, on_delete=models.PROTECT, related_name="proposals")
    hours_awarded = models.DecimalField(max_digits=6, decimal_places=1)


class Target(models.Model):
    name = models.CharField(max_length=100)
    ra_deg = models.FloatField()
    dec_deg = models.FloatField()


class ObservingRun(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="runs")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="runs")
    night = models.DateField()


class Observation(models.Model):
    run = models.ForeignKey(ObservingRun, on_delete=models.CASCADE, related_name="observations")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="observations")
    exposure_s = models.PositiveIntegerField()
    seeing_arcsec = models.FloatField(null=True, blank=True)
    quality = models.CharField(max_length=10, default="ok")
