import json

from croniter import croniter
from django import template
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from rest_framework import serializers

from contacts.importers import import_from_csv
from contacts.models import Contact

register = template.Library()


@register.filter
def humanize_bytes(value):
    try:
        value = float(value)
        for unit in ("B", "KB", "MB", "GB"):
            if value < 1024:
                return "%.1f %s" % (value, unit)
            value /= 1024
        return "%.1f TB" % value
    except Exception:
        return ""


@login_required
@require_POST
def import_contacts(request):
    try:
        n = import_from_csv(request.FILES["file"], owner=request.user)
    except Exception as e:
        messages.error(request, "Import failed: %s" % e)
        return redirect("contacts:list")
    messages.success(request, "Imported %d contacts" % n)
    return redirect("contacts:list")


class ScheduleSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    cron = serializers.CharField()

    def validate_cron(self, value):
        try:
            croniter(value)
        except (ValueError, KeyError) as e:
            raise serializers.ValidationError(str(e))
        return value


@login_required
@require_POST
def update_contact(request, pk):
    try:
        data = json.loads(request.body)
    except json.JSONDecodeError as e:
        return HttpResponseBadRequest(f"Invalid JSON: {e}")
    Contact.objects.filter(pk=pk, owner=request.user).update(name=data.get("name", ""))
    return JsonResponse({"ok": True})
