from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80, blank=True)


class Author(models.Model):
    name = models.CharField(max_length=120)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT)


class Book(models.Model):
    title = models.CharField(max_length=200)
    isbn = models.CharField(max_length=13, unique=True)
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    shelf = models.CharField(max_length=10, blank=True)


class Member(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    card_number = models.CharField(max_length=20, unique=True)


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="loans")
    borrowed_at = models.DateField()
    due_at = models.DateField()
    returned_at = models.DateField(null=True, blank=True)
