import csv
from collections import defaultdict

from django.contrib import admin, messages
from django.core.mail import send_mail
from django.http import HttpResponse

from .models import Company, Contact, Tag


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "industry")
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "stage")
    list_filter = ("stage", "tags")
    search_fields = ("first_name", "last_name", "email")
    actions = ["export_as_csv", "notify_owners", "promote_to_prospect"]

    @admin.action(description="Export selected contacts as CSV")
    def export_as_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
        writer = csv.writer(response)
        writer.writerow(["Name", "Email", "Company", "Owner", "Tags"])
        for contact in queryset:
            company = contact.company
            writer.writerow(
                [
                    contact.full_name,
                    contact.email,
                    company.name if company else "",
                    contact.owner.get_username(),
                    ", ".join(contact.tags.values_list("name", flat=True)),
                ]
            )
        return response

    @admin.action(description="Email owners about selected contacts")
    def notify_owners(self, request, queryset):
        by_owner = defaultdict(list)
        for contact in queryset.select_related("owner"):
            by_owner[contact.owner.email].append(contact.full_name)
        for email, names in by_owner.items():
            send_mail("Contacts needing attention", "\n".join(names), None, [email])
        self.message_user(request, f"Notified {len(by_owner)} owners.", messages.SUCCESS)

    @admin.action(description="Promote leads to prospects")
    def promote_to_prospect(self, request, queryset):
        updated = queryset.filter(stage=Contact.Stage.LEAD).update(stage=Contact.Stage.PROSPECT)
        self.message_user(request, f"{updated} contacts promoted.")
