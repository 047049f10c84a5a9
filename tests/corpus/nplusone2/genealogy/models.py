from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Place(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)

    def __str__(self):
        return self.name


class Source(models.Model):
    title = models.CharField(max_length=255)
    repository = models.CharField(max_length=255, blank=True)


class Citation(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    page = models.CharField(max_length=30, blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]


class Person(models.Model):
    given_name = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    birth_place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="births")
    death_date = models.DateField(null=True, blank=True)
    mother = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children_via_mother")
    father = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children_via_father")
    citations = GenericRelation(Citation)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.given_name} {self.surname}"

    @property
    def display_name(self):
        if self.birth_place_id:
            return f"{self} (b. {self.birth_place.name})"
        return str(self)


class Marriage(models.Model):
    spouse_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    spouse_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    married_on = models.DateField(null=True, blank=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self):
        return f"{self.spouse_a} & {self.spouse_b}"
