from django.db import models


class MailingList(models.Model):
    name = models.CharField(max_length=100)
    from_address = models.EmailField()


class Subscriber(models.Model):
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField()
    confirmed = models.BooleanField(default=False)
    joined = models.DateTimeField(auto_now_add=True)


class Unsubscribe(models.Model):
    email = models.EmailField(db_index=True)
    reason = models.CharField(max_length=200, blank=True)


class Campaign(models.Model):
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="campaigns")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True)


class Delivery(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    created = models.DateTimeField(auto_now_add=True)
