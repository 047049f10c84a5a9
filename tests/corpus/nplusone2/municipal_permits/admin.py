from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from .models import Fee, Inspection, Inspector, Permit


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = ("number", "applicant", "permit_type", "status", "inspection_count")
    list_select_related = ("applicant", "permit_type")
    list_filter = ("status", "permit_type")
    inlines = [InspectionInline, FeeInline]
    actions = ["schedule_inspections"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_inspections=Count("inspections"))

    @admin.display(description="Inspections", ordering="_n_inspections")
    def inspection_count(self, obj):
        return obj._n_inspections

    @admin.action(description="Schedule inspections for selected permits")
    def schedule_inspections(self, request, queryset):
        by_district = {i.district: i for i in Inspector.objects.all()}
        when = timezone.now() + timedelta(days=2)
        new = []
        for permit in queryset.select_related("parcel", "permit_type"):
            if not permit.permit_type.requires_inspection:
                continue
            inspector = by_district.get(permit.parcel.zoning)
            if inspector is not None:
                new.append(Inspection(permit=permit, inspector=inspector, scheduled=when))
        Inspection.objects.bulk_create(new)
        self.message_user(request, f"Scheduled {len(new)} inspections")


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ("full_name", "district")

    @admin.display(description="Name")
    def full_name(self, obj):
        return obj.user.get_full_name() or obj.user.username
