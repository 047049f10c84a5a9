from django.db import models


class Festival(models.Model):
    name = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    slug = models.SlugField(unique=True)


class Person(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, blank=True)


class Venue(models.Model):
    name = models.CharField(max_length=120)
    seats = models.PositiveIntegerField()


class Film(models.Model):
    festival = models.ForeignKey(Festival, on_delete=models.CASCADE, related_name="films")
    director = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="directed")
    title = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    runtime = models.PositiveSmallIntegerField(help_text="minutes")
    section = models.CharField(max_length=40, default="competition")


class Screening(models.Model):
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="screenings")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="screenings")
    starts = models.DateTimeField()
    sold_out = models.BooleanField(default=False)


class JuryMember(models.Model):
    festival = models.ForeignKey(Festival, on_delete=models.CASCADE, related_name="jury")
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, default="member")


class Vote(models.Model):
    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="votes")
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="votes")
    score = models.PositiveSmallIntegerField()
