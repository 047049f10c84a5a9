from decimal import Decimal

from .models import Appointment


def revenue_for_day(day):
    appointments = Appointment.objects.filter(start__date=day, invoice__isnull=False)
    return sum((appt.invoice.total for appt in appointments), Decimal("0"))


def unpaid_invoices(day):
    appointments = Appointment.objects.filter(start__date=day).select_related("invoice", "patient")
    unpaid = []
    for appt in appointments:
        invoice = appt.invoice
        if invoice is not None and not invoice.paid:
            unpaid.append((appt.patient.email, invoice.number, invoice.total))
    return unpaid


def next_doctor_on_duty(now):
    for appt in Appointment.objects.filter(start__gte=now, status="booked").order_by("start"):
        return appt.doctor.name
    return None


def doctor_day_sheet(doctor, day):
    lines = []
    for appt in doctor.appointments.filter(start__date=day).order_by("start"):
        lines.append(f"{appt.start:%H:%M}  {appt.patient.name}  ({appt.patient.phone})")
    return "\n".join(lines)
