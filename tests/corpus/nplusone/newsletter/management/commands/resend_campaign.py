from django.core.mail import get_connection, EmailMessage
from django.core.management.base import BaseCommand

from newsletter.models import Campaign, Delivery, Unsubscribe


class Command(BaseCommand):
    help = "Send a campaign to subscribers that did not receive it yet."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, **options):
        campaign = Campaign.objects.select_related("mailing_list").get(pk=options["campaign_id"])
        blocked = {email.lower() for email in Unsubscribe.objects.values_list("email", flat=True)}
        already_sent = set(
            Delivery.objects.filter(campaign=campaign).values_list("subscriber_id", flat=True)
        )
        deliveries = []
        messages = []
        for subscriber in campaign.mailing_list.subscribers.filter(confirmed=True):
            if subscriber.email.lower() in blocked or subscriber.pk in already_sent:
                continue
            messages.append(
                EmailMessage(campaign.subject, campaign.body, campaign.mailing_list.from_address, [subscriber.email])
            )
            deliveries.append(Delivery(campaign=campaign, subscriber=subscriber))
        with get_connection() as connection:
            connection.send_messages(messages)
        Delivery.objects.bulk_create(deliveries)
        self.stdout.write(f"re-sent {len(messages)} emails")
