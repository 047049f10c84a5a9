import datetime

from django.utils import timezone

from clinic_appointments import reports
from clinic_appointments.models import Appointment, Doctor, Invoice, Patient


def seed(n):
    doc = Doctor.objects.create(name="House", specialty="diag")
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    for i in range(n):
        p = Patient.objects.create(name="p%d" % i, email="p%d@x.io" % i, phone="1")
        inv = Invoice.objects.create(number="INV%d" % i, total=10)
        Appointment.objects.create(doctor=doc, patient=p, start=start + datetime.timedelta(minutes=i), invoice=inv)
    return {"doc": doc, "day": start.date(), "now": timezone.now()}


SCENARIOS = {
    "revenue": lambda n, d: reports.revenue_for_day(d["day"]),
    "unpaid": lambda n, d: reports.unpaid_invoices(d["day"]),
    "next": lambda n, d: reports.next_doctor_on_duty(d["now"]),
    "day_sheet": lambda n, d: reports.doctor_day_sheet(d["doc"], d["day"]),
}

# ---- labels ----
POSITIVES = [
    dict(file="reports.py", match='return sum((appt.invoice.total for appt in appointments), Decimal("0"))', code="EG101",
         why="forward one-to-one invoice loaded per appointment in generator"),
    dict(file="reports.py", match='lines.append(f"{appt.start:%H:%M}  {appt.patient.name}  ({appt.patient.phone})")',
         code="EG101", why="patient FK not select_related"),
]
NEGATIVES = [
    dict(file="reports.py", match="unpaid.append((appt.patient.email, invoice.number, invoice.total))",
         why="select_related('invoice', 'patient')"),
    dict(file="reports.py", match="invoice = appt.invoice", why="select_related('invoice')"),
    dict(file="reports.py", match="return appt.doctor.name", fixed=True, why="returns on the first iteration"),
]
