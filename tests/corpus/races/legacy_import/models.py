from django.db import models


class Author(models.Model):
    legacy_id = models.IntegerField(unique=True)
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class Book(models.Model):
    legacy_id = models.IntegerField(unique=True)
    isbn = models.CharField(max_length=13, unique=True)
    title = models.CharField(max_length=300)
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    published_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cover = models.CharField(max_length=200, blank=True)
