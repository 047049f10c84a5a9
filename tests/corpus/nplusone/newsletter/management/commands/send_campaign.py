from django.core.mail import get_connection, EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter.models import Campaign, Delivery, Unsubscribe


class Command(BaseCommand):
    help = "Send a campaign to all confirmed subscribers of its mailing list."

    def add_arguments(self, parser):
        parser.add_argument("campaign_id", type=int)

    def handle(self, *args, **options):
        try:
            campaign = Campaign.objects.select_related("mailing_list").get(pk=options["campaign_id"])
        except Campaign.DoesNotExist:
            raise CommandError("no such campaign")

        recipients = campaign.mailing_list.subscribers.filter(confirmed=True)
        deliveries = []
        messages = []
        for subscriber in recipients:
            if Unsubscribe.objects.filter(email__iexact=subscriber.email).exists():
                continue
            if Delivery.objects.filter(campaign=campaign, subscriber=subscriber).exists():
                continue
            messages.append(
                EmailMessage(
                    campaign.subject,
                    campaign.body,
                    campaign.mailing_list.from_address,
                    [subscriber.email],
                )
            )
            deliveries.append(Delivery(campaign=campaign, subscriber=subscriber))

        with get_connection() as connection:
            connection.send_messages(messages)
        Delivery.objects.bulk_create(deliveries)
        Campaign.objects.filter(pk=campaign.pk).update(sent_at=timezone.now())
        self.stdout.write(f"sent {len(messages)} emails")
