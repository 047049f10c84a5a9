from django.contrib.contenttypes.models import ContentType

from genealogy import services
from genealogy.models import Citation, Marriage, Person, Place, Source


def seed(n):
    ct = ContentType.objects.get_for_model(Person)
    src = Source.objects.create(title="Parish register")
    root_m = Person.objects.create(given_name="Ann", surname="Root")
    root_f = Person.objects.create(given_name="Bob", surname="Root")
    grandma = Person.objects.create(given_name="Gran", surname="Elder")
    for i in range(n):
        place = Place.objects.create(name=f"Town {i}")
        mum = Person.objects.create(given_name=f"Mum{i}", surname="X", mother=grandma, birth_place=place)
        Person.objects.create(given_name=f"Kid{i}", surname="Root", mother=root_m, father=root_f, birth_place=place)
        Person.objects.create(given_name=f"Gk{i}", surname="Y", mother=mum, birth_place=place)
        Marriage.objects.create(spouse_a=mum, spouse_b=root_f, place=place)
        Citation.objects.create(source=src, content_type=ct, object_id=mum.pk, page=str(i))
    return {"root_m": root_m, "root_f": root_f}


SCENARIOS = [
    ("group_sheet", lambda c: services.family_group_sheet(c["root_f"])),
    ("maternal", lambda c: services.maternal_line(c["root_m"])),
    ("birthplace", lambda c: services.birthplace_index()),
    ("register", lambda c: services.register_of_people()),
    ("grandmothers", lambda c: services.grandmothers()),
    ("marriages", lambda c: services.marriage_register()),
    ("citations", lambda c: services.citation_export()),
    ("unresolved", lambda c: services.unresolved_citations()),
]

EXPECT = [
    ("services.py", '"mother": str(child.mother) if child.mother_id else "",', "EG101",
     "children fetched with a Q(mother=)|Q(father=) filter: mother FK not cached, one Person query per child"),
    ("services.py", 'return [p.display_name for p in Person.objects.order_by("surname", "given_name")]', "EG101",
     "Person.display_name property reads self.birth_place.name; no select_related('birth_place')"),
    ("services.py", "out.append((str(p), str(mother.mother)))", "EG101",
     "select_related('mother') loads one hop; mother.mother (grandmother) is lazily loaded per person"),
    ("services.py", "if c.content_object is None:", "EG101",
     "GenericForeignKey content_object resolved per citation without prefetch_related('content_object')"),
]

NEGATIVES = [
    ("services.py", '"father_id": child.father_id,', "raw FK id"),
    ("services.py", "return [(str(c), c.mother.surname) for c in person.children_via_mother.all()]",
     "rows from the reverse manager have mother cached (known related object)"),
    ("services.py", 'key = p.birth_place.name if p.birth_place else "?"', "birth_place select_related"),
    ("services.py", "index[key].append(p.display_name)", "display_name touches birth_place, which is select_related"),
    ("services.py", "mother = p.mother", "mother select_related"),
    ("services.py", "if mother is not None and mother.mother_id:", "raw FK id on the joined row"),
    ("services.py", 'return [f"{m} at {m.place or \'unknown\'} on {m.married_on}" for m in marriages]',
     "Marriage.__str__ reads spouse_a/spouse_b; both and place are select_related"),
    ("services.py", "return [(c.source.title, str(c.content_object), c.page) for c in cites]",
     "prefetch_related('content_object') on the GenericForeignKey; source select_related"),
]
