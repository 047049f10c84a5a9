import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Appointment, Patient, Practitioner, Slot, WaitlistEntry

logger = logging.getLogger(__name__)


def join_waitlist(practitioner_id, patient_id, priority=0):
    today = datetime.date.today()
    existing = WaitlistEntry.objects.filter(
        practitioner_id=practitioner_id, patient_id=patient_id, notified=False
    )
    if existing.exists():
        return existing.first()

    return WaitlistEntry.objects.create(
        practitioner_id=practitioner_id,
        patient_id=patient_id,
        requested_on=today,
        priority=priority,
    )


def join_waitlist_safely(practitioner_id, patient_id, priority=0):
    """Same as join_waitlist but relies on the DB to reject duplicates."""
    if WaitlistEntry.objects.filter(practitioner_id=practitioner_id, patient_id=patient_id).exists():
        return None
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                practitioner_id=practitioner_id,
                patient_id=patient_id,
                requested_on=datetime.date.today(),
                priority=priority,
            )
    except IntegrityError:
        logger.info("waitlist entry for %s/%s created concurrently", practitioner_id, patient_id)
        return None


def promote_from_waitlist(slot_id):
    slot = Slot.objects.get(pk=slot_id)
    entry = (
        WaitlistEntry.objects.filter(practitioner=slot.practitioner, notified=False)
        .order_by("-priority", "requested_on")
        .first()
    )
    if entry is None:
        return None
    appointment = Appointment.objects.create(slot=slot, patient=entry.patient, reason="waitlist")
    slot.booked_count += 1
    slot.save()
    entry.notified = True
    entry.save(update_fields=["notified"])
    return appointment


def record_no_show(appointment_id):
    appointment = Appointment.objects.select_related("patient").get(pk=appointment_id)
    appointment.status = Appointment.Status.NO_SHOW
    appointment.save(update_fields=["status"])
    Patient.objects.filter(pk=appointment.patient_id).update(no_show_count=F("no_show_count") + 1)


def waitlist_position(practitioner_id, patient_id):
    entries = list(
        WaitlistEntry.objects.filter(practitioner_id=practitioner_id, notified=False)
        .order_by("-priority", "requested_on")
        .values_list("patient_id", flat=True)
    )
    try:
        return entries.index(patient_id) + 1
    except ValueError:
        return None


def practitioner_summary(practitioner_id):
    practitioner = Practitioner.objects.get(pk=practitioner_id)
    has_waitlist = WaitlistEntry.objects.filter(practitioner=practitioner, notified=False).exists()
    upcoming = Slot.objects.filter(practitioner=practitioner, booked_count__lt=F("capacity")).count()
    return {
        "practitioner": str(practitioner),
        "has_waitlist": has_waitlist,
        "open_slots": upcoming,
    }
