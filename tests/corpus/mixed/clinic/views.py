import logging

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView

from . import booking
from .models import Appointment, Slot

logger = logging.getLogger(__name__)


class BookingRequestSerializer(serializers.Serializer):
    slot_id = serializers.IntegerField()
    patient_id = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = ["id", "slot", "patient", "status", "reason", "created_at"]


class BookAppointmentView(APIView):
    def post(self, request):
        serializer = BookingRequestSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError as exc:
            return Response({"errors": exc.detail}, status=status.HTTP_400_BAD_REQUEST)

        data = serializer.validated_data
        try:
            appointment = booking.book_with_capacity_check(
                data["slot_id"], data["patient_id"], data.get("reason", "")
            )
        except booking.BookingError as exc:
            return Response({"error": str(exc), "code": exc.code}, status=status.HTTP_409_CONFLICT)
        except Exception:
            logger.exception("booking failed for slot %s", data["slot_id"])
            return Response(
                {"error": "We could not complete your booking. Please try again."},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


@api_view(["POST"])
def reschedule(request, appointment_id):
    appointment = get_object_or_404(Appointment, pk=appointment_id)
    new_slot = get_object_or_404(Slot, pk=request.data.get("slot_id"))
    try:
        booking.cancel_appointment(appointment.pk)
        new_appointment = booking.book_with_capacity_check(new_slot.pk, appointment.patient_id, appointment.reason)
    except Exception as e:
        logger.warning("reschedule of %s failed: %s", appointment_id, e)
        return Response({"detail": "Reschedule failed: " + str(e)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(AppointmentSerializer(new_appointment).data)


@api_view(["GET"])
def slot_availability(request, slot_id):
    slot = get_object_or_404(Slot, pk=slot_id)
    try:
        remaining = slot.capacity - slot.booked_count
    except TypeError as err:
        return Response({"available": False, "error": repr(err)}, status=500)
    return Response({"available": remaining > 0, "remaining": remaining})


@api_view(["POST"])
def bulk_cancel(request):
    cancelled, failed = [], []
    for appointment_id in request.data.get("ids", []):
        try:
            booking.cancel_appointment(appointment_id)
        except Appointment.DoesNotExist:
            failed.append({"id": appointment_id, "reason": "not found"})
        except Exception:
            logger.exception("cancel %s failed", appointment_id)
            failed.append({"id": appointment_id, "reason": "internal error"})
        else:
            cancelled.append(appointment_id)
    return Response({"cancelled": cancelled, "failed": failed})
