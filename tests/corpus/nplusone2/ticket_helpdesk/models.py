from django.conf import settings
from django.db import models


class Queue(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    sla_hours = models.PositiveIntegerField(default=24)


class Agent(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    team = models.CharField(max_length=40, blank=True)
    on_call = models.BooleanField(default=False)


class Organization(models.Model):
    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=10, default="standard")


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers")


class Label(models.Model):
    name = models.CharField(max_length=40)
    color = models.CharField(max_length=7, default="#cccccc")


class Ticket(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    requester = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tickets")
    assignee = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    subject = models.CharField(max_length=255)
    status = models.CharField(max_length=10, default="open")
    priority = models.PositiveSmallIntegerField(default=3)
    opened = models.DateTimeField()
    labels = models.ManyToManyField(Label, blank=True, related_name="tickets")


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    body = models.TextField()
    public = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
