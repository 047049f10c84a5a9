import datetime

from django.contrib.contenttypes.models import ContentType

from animal_shelter import views
from animal_shelter.models import (Adopter, Adoption, Animal, Breed, Kennel, MedicalRecord, Note,
                                   Species)

from ._util import get, render


def seed(n):
    today = datetime.date.today()
    dog = Species.objects.create(name="Dog")
    kennel = Kennel.objects.create(code="K1", block="A")
    adopter = Adopter.objects.create(name="Sam", email="s@example.com")
    ct = ContentType.objects.get_for_model(Animal)
    for i in range(n):
        breed = Breed.objects.create(species=dog, name=f"Breed{i}")
        a = Animal.objects.create(name=f"Rex{i}", species=dog, breed=breed, kennel=kennel)
        MedicalRecord.objects.create(animal=a, vaccinated=True)
        Note.objects.create(content_type=ct, object_id=a.pk, text="friendly")
        b = Animal.objects.create(name=f"Old{i}", species=dog, status="adopted")
        Adoption.objects.create(animal=b, adopter=adopter, adopted_on=today)
    return {"kennel": kennel, "adopter": adopter}


SCENARIOS = [
    ("kennel", lambda c: render(views.KennelDetailView.as_view()(get(), slug="K1"))),
    ("available", lambda c: render(views.AvailableAnimalsView.as_view()(get()))),
    ("adopter", lambda c: render(views.AdopterDetailView.as_view()(get(), pk=c["adopter"].pk))),
    ("report", lambda c: views.adoption_report(get())),
    ("feed", lambda c: views.adoption_feed(get())),
]

EXPECT = [
    ("views.py", '"breed": animal.breed_label,', "EG101",
     "Animal.breed_label reads self.breed; AvailableAnimalsView only select_related('species')"),
    ("views.py", '"notes": [n.text for n in animal.notes.all()],', "EG101",
     "GenericRelation animal.notes evaluated per animal without prefetch"),
    ("views.py", "adoption = animal.adoption", "EG101",
     "reverse one-to-one animal.adoption loaded per adopted animal"),
]

NEGATIVES = [
    ("views.py", '"breed": a.breed_label,', "breed_label touches breed/species, both select_related"),
    ("views.py", '"vaccinated": a.medical.vaccinated,', "reverse one-to-one medical select_related"),
    ("views.py", '"kennel": a.kennel.code,', "rows from kennel.animals: parent kennel cached"),
    ("views.py", '"days": a.days_in_care,', "cached_property without relation access"),
    ("views.py", '"species": animal.species.name,', "species select_related"),
    ("views.py", 'context["history"] = [(ad.animal.name, ad.animal.species.name, ad.adopter.name, ad.adopted_on) for ad in adoptions]',
     "animal__species select_related; adopter cached via adopter.adoptions"),
    ("views.py", "writer.writerow([animal.name, animal.species.name, adoption.adopter_id, adoption.adopted_on])",
     "species select_related; adopter_id is a column"),
    ("views.py", 'response.write(f"{adoption.animal.name} ({adoption.animal.species.name}) went home with {adoption.adopter.name}\\n")',
     "select_related('animal__species', 'adopter')"),
]
