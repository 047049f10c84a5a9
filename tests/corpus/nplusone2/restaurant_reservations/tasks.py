import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import send_mail
from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from .models import Guest, Reservation, Restaurant

logger = logging.getLogger(__name__)


@shared_task
def send_reminders():
    now = timezone.now()
    upcoming = Reservation.objects.filter(
        status=Reservation.Status.BOOKED, reminder_sent=False, starts_at__range=(now, now + timedelta(hours=24))
    ).select_related("restaurant")
    sent_ids = []
    for reservation in upcoming.iterator(chunk_size=200):
        subject = f"Your table at {reservation.restaurant.name}"
        guest = reservation.guest
        send_mail(subject, f"See you at {reservation.starts_at:%H:%M}, {guest.name}!", None, [guest.email])
        sent_ids.append(reservation.pk)
    Reservation.objects.filter(pk__in=sent_ids).update(reminder_sent=True)
    return len(sent_ids)


@shared_task
def mark_no_shows(grace_minutes=30):
    cutoff = timezone.now() - timedelta(minutes=grace_minutes)
    ids = list(
        Reservation.objects.filter(status=Reservation.Status.BOOKED, starts_at__lt=cutoff).values_list("pk", flat=True)
    )
    no_shows = []
    for pk in ids:
        reservation = Reservation.objects.get(pk=pk)
        if reservation.guest_id and reservation.table_id:
            reservation.status = Reservation.Status.NO_SHOW
            no_shows.append(reservation)
    Reservation.objects.bulk_update(no_shows, ["status"])
    return len(no_shows)


@shared_task(bind=True, max_retries=3)
def recompute_ratings(self):
    restaurants = Restaurant.objects.annotate(
        avg_rating=Avg("reservations__review__rating"), n_reviews=Count("reservations__review")
    )
    return {r.pk: (r.avg_rating, r.n_reviews) for r in restaurants}


@shared_task
def vip_digest():
    today = timezone.now().date()
    todays = Reservation.objects.filter(starts_at__date=today).select_related("table", "restaurant")
    vips = Guest.objects.filter(vip=True).prefetch_related(Prefetch("reservations", queryset=todays, to_attr="todays"))
    lines = []
    for guest in vips:
        for r in guest.todays:
            table = r.table.label if r.table else "-"
            lines.append(f"{guest.name}: {r.restaurant.name} table {table} at {r.starts_at:%H:%M}")
        visits = guest.reservations.count()
        lines.append(f"  lifetime visits: {visits}")
    return "\n".join(lines)


@shared_task
def table_turnover(restaurant_id):
    restaurant = Restaurant.objects.get(pk=restaurant_id)
    tables = restaurant.tables.annotate(seated=Count("reservations", filter=Q(reservations__status="seated")))
    return {t.label: t.seated for t in tables}


@shared_task
def assign_tables(restaurant_id):
    restaurant = Restaurant.objects.get(pk=restaurant_id)
    free_tables = list(restaurant.tables.order_by("seats"))
    pending = Reservation.objects.filter(restaurant=restaurant, table__isnull=True, status=Reservation.Status.BOOKED)
    assigned = []
    for reservation in pending:
        table = next((t for t in free_tables if t.seats >= reservation.party_size), None)
        if table is None:
            continue
        free_tables.remove(table)
        reservation.table = table
        logger.info("seated %s at %s", reservation.pk, reservation.table.label)
        logger.info("venue: %s", reservation.restaurant.name)
        assigned.append(reservation)
    Reservation.objects.bulk_update(assigned, ["table"])
    return len(assigned)
