from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property


class Note(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    content_object = GenericForeignKey()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created = models.DateTimeField(auto_now_add=True)


class Kennel(models.Model):
    code = models.CharField(max_length=10, unique=True)
    block = models.CharField(max_length=10)
    capacity = models.PositiveSmallIntegerField(default=2)


class Species(models.Model):
    name = models.CharField(max_length=40)

    class Meta:
        verbose_name_plural = "species"


class Breed(models.Model):
    species = models.ForeignKey(Species, on_delete=models.CASCADE, related_name="breeds")
    name = models.CharField(max_length=80)


class Animal(models.Model):
    name = models.CharField(max_length=80)
    species = models.ForeignKey(Species, on_delete=models.PROTECT)
    breed = models.ForeignKey(Breed, null=True, blank=True, on_delete=models.SET_NULL)
    kennel = models.ForeignKey(Kennel, null=True, blank=True, on_delete=models.SET_NULL, related_name="animals")
    intake_date = models.DateField(default=timezone.now)
    status = models.CharField(max_length=12, default="available")
    notes = GenericRelation(Note)

    @property
    def breed_label(self):
        if self.breed_id:
            return self.breed.name
        return f"{self.species.name} (mixed)"

    @cached_property
    def days_in_care(self):
        return (timezone.now().date() - self.intake_date).days


class MedicalRecord(models.Model):
    animal = models.OneToOneField(Animal, on_delete=models.CASCADE, related_name="medical")
    vaccinated = models.BooleanField(default=False)
    neutered = models.BooleanField(default=False)
    microchip = models.CharField(max_length=20, blank=True)


class Adopter(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    home_check_passed = models.BooleanField(default=False)


class Adoption(models.Model):
    animal = models.OneToOneField(Animal, on_delete=models.PROTECT, related_name="adoption")
    adopter = models.ForeignKey(Adopter, on_delete=models.PROTECT, related_name="adoptions")
    adopted_on = models.DateField()
    fee = models.DecimalField(max_digits=6, decimal_places=2, default=0)
