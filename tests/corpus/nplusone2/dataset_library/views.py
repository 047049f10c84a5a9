from django.views.generic import ListView

from .models import Dataset


class DatasetListView(ListView):
    paginate_by = 25

    def get_queryset(self):
        return Dataset.objects.public().for_listing().order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (d.title, d.license.name if d.license_id else "", d.publisher.verified)
            for d in context["page_obj"]
        ]
        return context
