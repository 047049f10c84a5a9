from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from . import programme
from .models import Festival


class ProgrammeView(TemplateView):
    template_name = "film_festival/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        festival = get_object_or_404(Festival, slug=self.kwargs["slug"])
        context.update(
            festival=festival,
            today=programme.daily_programme(festival, timezone.now().date()),
            sold_out=programme.sold_out_for_programme(festival),
            directors=[(f.title, f.director.name) for f in programme.by_director(festival)],
        )
        return context
