from django.db import models


class Species(models.Model):
    code = models.CharField(max_length=12, unique=True)
    binomial = models.CharField(max_length=200)
    family = models.CharField(max_length=100, blank=True)
    red_list = models.CharField(max_length=2, blank=True)


class Vault(models.Model):
    name = models.CharField(max_length=60)
    temperature_c = models.SmallIntegerField(default=-20)


class Accession(models.Model):
    number = models.CharField(max_length=20, unique=True)
    species = models.ForeignKey(Species, on_delete=models.PROTECT, related_name="accessions")
    vault = models.ForeignKey(Vault, null=True, blank=True, on_delete=models.SET_NULL, related_name="accessions")
    collected_on = models.DateField(null=True, blank=True)
    seed_count = models.PositiveIntegerField(default=0)
    restricted = models.BooleanField(default=False)


class GerminationTest(models.Model):
    accession = models.ForeignKey(Accession, on_delete=models.CASCADE, related_name="tests")
    tested_on = models.DateField()
    sown = models.PositiveIntegerField()
    germinated = models.PositiveIntegerField()

    @property
    def rate(self):
        return self.germinated / self.sown if self.sown else 0


class Request(models.Model):
    requester = models.CharField(max_length=200)
    accession = models.ForeignKey(Accession, on_delete=models.CASCADE, related_name="requests")
    quantity = models.PositiveIntegerField()
    approved = models.BooleanField(default=False)
