from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=150)
    logo_url = models.URLField(blank=True)


class JobPosting(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=200)
    location = models.CharField(max_length=100)
    remote = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    posted = models.DateTimeField(auto_now_add=True)


class Application(models.Model):
    job = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="applications")
    email = models.EmailField()
    cover_letter = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
