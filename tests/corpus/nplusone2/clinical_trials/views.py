from django.views.generic import DetailView

from . import reports
from .models import Trial


class TrialDetailView(DetailView):
    model = Trial
    slug_field = "protocol_id"
    slug_url_kwarg = "protocol_id"

    def get_queryset(self):
        return Trial.objects.select_related("sponsor", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sponsor"] = self.object.sponsor.name
        context["sites"] = reports.enrollment_by_site(self.object)
        context["serious_events"] = reports.serious_events(self.object)
        context["consent_problems"] = reports.consent_audit(self.object)
        return context
