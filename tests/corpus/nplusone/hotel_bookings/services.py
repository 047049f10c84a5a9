from .models import Booking


def housekeeping_sheet(hotel):
    sheet = []
    for room in hotel.rooms.order_by("floor", "number"):
        details = room.details
        sheet.append(
            {
                "room": room.number,
                "beds": details.beds,
                "balcony": details.has_balcony,
                "restock_minibar": details.minibar,
            }
        )
    return sheet


def room_inventory(hotel):
    rooms = hotel.rooms.select_related("details").order_by("number")
    return [
        (room.number, room.kind, room.details.beds)
        for room in rooms
    ]


def arrivals(day):
    bookings = Booking.objects.filter(check_in=day, status="confirmed").only("id", "room_id", "check_in")
    arrivals_list = []
    for booking in bookings:
        arrivals_list.append(
            {
                "booking": booking.pk,
                "room_id": booking.room_id,
                "guest": booking.guest_name,
            }
        )
    return arrivals_list


def departures(day):
    bookings = (
        Booking.objects.filter(check_out=day)
        .defer("notes")
        .select_related("guest", "room")
    )
    result = []
    for booking in bookings:
        result.append(
            {
                "room": booking.room.number,
                "guest": booking.guest.email,
                "vip": booking.guest.vip,
                "check_out": booking.check_out.isoformat(),
            }
        )
    return result
