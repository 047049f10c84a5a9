import logging

from celery import shared_task
from django.core.mail import send_mass_mail
from django.utils.dateparse import parse_datetime

from .models import Shipment, TrackingEvent

logger = logging.getLogger(__name__)


@shared_task
def ingest_tracking_events(events):
    """events: list of dicts pushed by the carrier webhook."""
    new_events = []
    for event in events:
        try:
            shipment = Shipment.objects.get(tracking_number=event["tracking_number"])
        except Shipment.DoesNotExist:
            logger.warning("unknown tracking number %s", event["tracking_number"])
            continue
        new_events.append(
            TrackingEvent(
                shipment=shipment,
                code=event["code"],
                description=event["description"],
                occurred_at=parse_datetime(event["occurred_at"]),
            )
        )
    TrackingEvent.objects.bulk_create(new_events)
    return len(new_events)


@shared_task
def update_shipment_status(events):
    shipments = Shipment.objects.in_bulk(
        [event["tracking_number"] for event in events], field_name="tracking_number"
    )
    changed = []
    for event in events:
        shipment = shipments.get(event["tracking_number"])
        if shipment is None:
            continue
        shipment.status = event["code"]
        shipment.last_event = event["description"]
        changed.append(shipment)
    Shipment.objects.bulk_update(changed, ["status", "last_event"])
    return len(changed)


@shared_task
def notify_delivered():
    shipments = Shipment.objects.filter(status="delivered").select_related("order")
    messages = []
    for shipment in shipments:
        recipient = shipment.order.customer.email
        messages.append(
            (
                f"Order {shipment.order.reference} delivered",
                f"Your parcel {shipment.tracking_number} was delivered.",
                None,
                [recipient],
            )
        )
    return send_mass_mail(messages, fail_silently=True)
