import datetime

from hotel_bookings import services
from hotel_bookings.models import Booking, Guest, Hotel, Room, RoomDetails


def seed(n):
    h = Hotel.objects.create(name="Ritz", city="Paris")
    day = datetime.date(2024, 6, 1)
    for i in range(n):
        r = Room.objects.create(hotel=h, number="%d" % (100 + i))
        RoomDetails.objects.create(room=r, beds=2)
        g = Guest.objects.create(name="g%d" % i, email="g%d@x.io" % i)
        Booking.objects.create(room=r, guest=g, guest_name=g.name, check_in=day, check_out=day)
    return {"hotel": h, "day": day}


SCENARIOS = {
    "housekeeping": lambda n, d: services.housekeeping_sheet(d["hotel"]),
    "inventory": lambda n, d: services.room_inventory(d["hotel"]),
    "arrivals": lambda n, d: services.arrivals(d["day"]),
    "departures": lambda n, d: services.departures(d["day"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match="details = room.details", code="EG101",
         why="reverse one-to-one details accessed per room without select_related"),
    dict(file="services.py", match='"guest": booking.guest_name,', code="EG101",
         why="guest_name deferred by .only(...) -> refresh per booking"),
]
NEGATIVES = [
    dict(file="services.py", match="(room.number, room.kind, room.details.beds)",
         why="select_related('details') on reverse one-to-one"),
    dict(file="services.py", match='"room_id": booking.room_id,', why="room_id included in only()"),
    dict(file="services.py", match='"guest": booking.guest.email,', why="select_related('guest')"),
    dict(file="services.py", match='"check_out": booking.check_out.isoformat(),', why="defer('notes') only; check_out loaded"),
]
