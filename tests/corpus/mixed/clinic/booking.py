"""Booking service for the clinic scheduler.

All public functions are called from the DRF views in ``views.py`` and from
the nightly rebooking job.
"""
import logging

from django.db import transaction
from django.utils import timezone

from .models import Appointment, Patient, ReminderPreference, Slot

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """User-facing booking failure. Messages are written for patients."""

    def __init__(self, message, code="booking_error"):
        super().__init__(message)
        self.code = code


def book_appointment(slot_id, patient_id, reason=""):
    slot = Slot.objects.select_related("practitioner").get(pk=slot_id)
    if slot.starts_at < timezone.now():
        raise BookingError("This slot is in the past.", code="slot_past")

    already = Appointment.objects.filter(slot=slot, patient_id=patient_id).exists()
    if not already:
        appointment = Appointment.objects.create(slot=slot, patient_id=patient_id, reason=reason)
        logger.info("Booked appointment %s", appointment.pk)
        return appointment
    raise BookingError("You already have an appointment in this slot.", code="duplicate")


def book_with_capacity_check(slot_id, patient_id, reason=""):
    """Capacity-aware booking used by the web portal.

    The slot row is locked for the duration of the transaction so that two
    patients racing for the last place are serialised.
    """
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot_id)
        if slot.booked_count >= slot.capacity:
            raise BookingError("This slot is fully booked.", code="full")
        if Appointment.objects.filter(slot=slot, patient_id=patient_id).exists():
            raise BookingError("You already have an appointment in this slot.", code="duplicate")
        appointment = Appointment.objects.create(slot=slot, patient_id=patient_id, reason=reason)
        slot.booked_count += 1
        slot.save(update_fields=["booked_count"])
    return appointment


def ensure_reminder_preference(patient):
    try:
        return ReminderPreference.objects.get(patient=patient)
    except ReminderPreference.DoesNotExist:
        return ReminderPreference.objects.create(patient=patient, sms=bool(patient.phone))


def default_reminder_preference(patient):
    pref, _created = ReminderPreference.objects.get_or_create(
        patient=patient, defaults={"sms": bool(patient.phone)}
    )
    return pref


def register_walk_in(first_name, last_name, date_of_birth, phone=""):
    patient = Patient.objects.filter(
        first_name__iexact=first_name,
        last_name__iexact=last_name,
        date_of_birth=date_of_birth,
    ).first()
    if patient is None:
        patient = Patient.objects.create(
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            phone=phone,
        )
    return patient


def cancel_appointment(appointment_id):
    with transaction.atomic():
        appointment = Appointment.objects.select_related("slot").get(pk=appointment_id)
        slot = Slot.objects.select_for_update().get(pk=appointment.slot_id)
        appointment.status = Appointment.Status.CANCELLED
        appointment.save(update_fields=["status"])
        slot.booked_count = max(slot.booked_count - 1, 0)
        slot.save(update_fields=["booked_count"])
