from django.db import models


class MailingList(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=80, blank=True)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email


class Subscription(models.Model):
    SOURCE_WEB = "web"
    SOURCE_API = "api"
    SOURCE_IMPORT = "import"
    SOURCE_CHOICES = [
        (SOURCE_WEB, "Web form"),
        (SOURCE_API, "API"),
        (SOURCE_IMPORT, "Import"),
    ]

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES, default=SOURCE_WEB)
    subscribed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("mailing_list", "subscriber")]

    def __str__(self):
        return f"{self.subscriber} -> {self.mailing_list}"
