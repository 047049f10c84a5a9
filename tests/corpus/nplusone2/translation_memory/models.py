from django.conf import settings
from django.db import models


class Language(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=60)
    rtl = models.BooleanField(default=False)


class Project(models.Model):
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tm_projects")
    source_language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="source_projects")
    target_languages = models.ManyToManyField(Language, related_name="target_projects")


class Segment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    source_text = models.TextField()
    context = models.CharField(max_length=255, blank=True)


class Translator(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translator")
    languages = models.ManyToManyField(Language, blank=True)
    rate_per_word = models.DecimalField(max_digits=6, decimal_places=3, default=0)


class TranslationUnit(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="units")
    language = models.ForeignKey(Language, on_delete=models.PROTECT)
    text = models.TextField()
    translator = models.ForeignKey(Translator, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, default="draft")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(auto_now=True)


class GlossaryTerm(models.Model):
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="glossary")
    language = models.ForeignKey(Language, on_delete=models.CASCADE)
    term = models.CharField(max_length=200)
    translation = models.CharField(max_length=200)
