import datetime

from django.utils import timezone

from restaurant_reservations import tasks
from restaurant_reservations.models import DiningTable, Guest, Reservation, Restaurant, Review


def seed(n):
    now = timezone.now()
    big = Restaurant.objects.create(name="Big")
    for i in range(n):
        r = Restaurant.objects.create(name=f"R{i}")
        t = DiningTable.objects.create(restaurant=r, label=f"T{i}", seats=4)
        DiningTable.objects.create(restaurant=big, label=f"B{i}", seats=4)
        g = Guest.objects.create(name=f"G{i}", email=f"g{i}@example.com", vip=True)
        Reservation.objects.create(restaurant=r, table=t, guest=g, starts_at=now + datetime.timedelta(hours=2))
        past = Reservation.objects.create(restaurant=r, table=t, guest=g, starts_at=now - datetime.timedelta(hours=3),
                                          status="seated")
        Review.objects.create(reservation=past, rating=4)
        Reservation.objects.create(restaurant=r, table=t, guest=g, starts_at=now - datetime.timedelta(hours=2))
        Reservation.objects.create(restaurant=big, guest=g, starts_at=now + datetime.timedelta(hours=5))
    return {"big": big.pk}


SCENARIOS = [
    ("reminders", lambda c: tasks.send_reminders.delay()),
    ("no_shows", lambda c: tasks.mark_no_shows()),
    ("ratings", lambda c: tasks.recompute_ratings.delay()),
    ("vip", lambda c: tasks.vip_digest()),
    ("turnover", lambda c: tasks.table_turnover(c["big"])),
    ("assign", lambda c: tasks.assign_tables.delay(c["big"])),
]

EXPECT = [
    ("tasks.py", "guest = reservation.guest", "EG101",
     "guest FK not select_related (only restaurant) in the reminder iterator loop"),
    ("tasks.py", "reservation = Reservation.objects.get(pk=pk)", "EG102",
     "get() per id from a values_list of overdue reservations"),
    ("tasks.py", "visits = guest.reservations.count()", "EG101",
     "Prefetch(..., to_attr='todays') does not populate guest.reservations; count() queries per VIP guest"),
    ("tasks.py", 'logger.info("venue: %s", reservation.restaurant.name)', "EG101",
     "filter(restaurant=restaurant) does not cache the restaurant on the rows; restaurant FK loaded per reservation"),
]

NEGATIVES = [
    ("tasks.py", 'subject = f"Your table at {reservation.restaurant.name}"', "restaurant select_related"),
    ("tasks.py", "if reservation.guest_id and reservation.table_id:", "raw FK id columns"),
    ("tasks.py", "return {r.pk: (r.avg_rating, r.n_reviews) for r in restaurants}", "Avg/Count annotations"),
    ("tasks.py", "for r in guest.todays:", "Prefetch to_attr list"),
    ("tasks.py", 'table = r.table.label if r.table else "-"', "table select_related in the Prefetch queryset"),
    ("tasks.py", "return {t.label: t.seated for t in tables}", "filtered Count annotation"),
    ("tasks.py", "table = next((t for t in free_tables if t.seats >= reservation.party_size), None)", "in-memory list"),
    ("tasks.py", 'logger.info("seated %s at %s", reservation.pk, reservation.table.label)', "table assigned in the loop body"),
]
