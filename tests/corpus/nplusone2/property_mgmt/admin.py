import csv
from decimal import Decimal

from django.contrib import admin, messages
from django.core.mail import send_mail
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse

from .models import Building, Lease, MaintenanceRequest, Payment, Tenant, Unit


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "address")
    search_fields = ("name", "address")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("number", "building", "bedrooms", "open_requests")
    list_select_related = ("building",)

    @admin.display(description="Open requests")
    def open_requests(self, obj):
        return obj.maintenancerequest_set.filter(status="open").count()


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    list_display = ("id", "tenant_name", "unit_label", "building_name", "monthly_rent", "paid_to_date", "active")
    list_select_related = ("tenant", "unit")
    list_filter = ("active",)
    actions = ["send_arrears_notice", "export_rent_roll"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.annotate(_paid=Coalesce(Sum("payments__amount"), Decimal("0")))

    @admin.display(description="Tenant", ordering="tenant__name")
    def tenant_name(self, obj):
        return obj.tenant.name

    @admin.display(description="Unit")
    def unit_label(self, obj):
        return obj.unit.number

    @admin.display(description="Building")
    def building_name(self, obj):
        return obj.unit.building.name

    @admin.display(description="Paid to date", ordering="_paid")
    def paid_to_date(self, obj):
        return obj._paid

    @admin.action(description="Email arrears notice to selected tenants")
    def send_arrears_notice(self, request, queryset):
        sent = 0
        for lease in queryset.filter(active=True).select_related("tenant"):
            paid = Payment.objects.filter(lease=lease).aggregate(total=Sum("amount"))["total"] or 0
            if paid < lease.monthly_rent:
                send_mail(
                    "Rent arrears",
                    f"Dear {lease.tenant.name}, your balance is {lease.monthly_rent - paid}.",
                    None,
                    [lease.tenant.email],
                )
                sent += 1
        self.message_user(request, f"{sent} notices sent.", messages.SUCCESS)

    @admin.action(description="Export rent roll (CSV)")
    def export_rent_roll(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="rent-roll.csv"'
        writer = csv.writer(response)
        writer.writerow(["Building", "Unit", "Tenant", "Rent", "Last payment"])
        last_payment = dict(
            Payment.objects.filter(lease__in=queryset)
            .values("lease_id")
            .annotate(last=Max("paid_on"))
            .values_list("lease_id", "last")
        )
        for lease in queryset.select_related("unit__building", "tenant"):
            writer.writerow(
                [lease.unit.building.name, lease.unit.number, lease.tenant.name, lease.monthly_rent, last_payment.get(lease.pk, "")]
            )
        return response


admin.site.register(Tenant)
admin.site.register(MaintenanceRequest)
