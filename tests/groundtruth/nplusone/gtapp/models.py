from django.db import models


class Publisher(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "gtapp"


class Author(models.Model):
    name = models.CharField(max_length=100)
    publisher = models.ForeignKey(Publisher, null=True, on_delete=models.SET_NULL)

    class Meta:
        app_label = "gtapp"


class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE)
    bio = models.CharField(max_length=100)

    class Meta:
        app_label = "gtapp"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        app_label = "gtapp"


class Book(models.Model):
    title = models.CharField(max_length=200)
    price = models.IntegerField(default=0)
    author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)
    editor = models.ForeignKey(
        Author, null=True, related_name="edited", on_delete=models.SET_NULL
    )
    tags = models.ManyToManyField(Tag, blank=True)

    class Meta:
        app_label = "gtapp"

    @property
    def author_name(self):
        return self.author.name

    def tag_names(self):
        return sorted(tag.name for tag in self.tags.all())


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()

    class Meta:
        app_label = "gtapp"
