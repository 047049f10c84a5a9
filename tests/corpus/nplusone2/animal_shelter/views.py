import csv

from django.http import HttpResponse
from django.views.generic import DetailView, ListView

from .models import Adopter, Adoption, Animal, Kennel


class KennelDetailView(DetailView):
    model = Kennel
    slug_field = "code"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        residents = self.object.animals.filter(status="available").select_related("species", "breed", "medical")
        context["residents"] = [
            {
                "name": a.name,
                "breed": a.breed_label,
                "vaccinated": a.medical.vaccinated,
                "kennel": a.kennel.code,
                "days": a.days_in_care,
            }
            for a in residents
        ]
        return context


class AvailableAnimalsView(ListView):
    template_name = "animal_shelter/available.html"
    paginate_by = 48

    def get_queryset(self):
        return Animal.objects.filter(status="available").select_related("species").order_by("intake_date", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cards = []
        for animal in context["object_list"]:
            cards.append(
                {
                    "name": animal.name,
                    "species": animal.species.name,
                    "breed": animal.breed_label,
                    "notes": [n.text for n in animal.notes.all()],
                }
            )
        context["cards"] = cards
        return context


class AdopterDetailView(DetailView):
    model = Adopter

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adoptions = self.object.adoptions.select_related("animal__species")
        context["history"] = [(ad.animal.name, ad.animal.species.name, ad.adopter.name, ad.adopted_on) for ad in adoptions]
        return context


def adoption_report(request):
    response = HttpResponse(content_type="text/csv")
    writer = csv.writer(response)
    writer.writerow(["Animal", "Species", "Adopter", "Date"])
    for animal in Animal.objects.filter(status="adopted").select_related("species"):
        adoption = animal.adoption
        writer.writerow([animal.name, animal.species.name, adoption.adopter_id, adoption.adopted_on])
    return response


def adoption_feed(request):
    response = HttpResponse(content_type="text/plain")
    adoptions = Adoption.objects.select_related("animal__species", "adopter").order_by("-adopted_on")
    for adoption in adoptions:
        response.write(f"{adoption.animal.name} ({adoption.animal.species.name}) went home with {adoption.adopter.name}\n")
    return response
