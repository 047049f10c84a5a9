from collections import defaultdict

from django.db.models import Q

from .models import Citation, Marriage, Person


def children_of(person):
    return Person.objects.filter(Q(mother=person) | Q(father=person)).order_by("birth_date", "pk")


def family_group_sheet(person):
    rows = []
    for child in children_of(person):
        rows.append(
            {
                "child": str(child),
                "mother": str(child.mother) if child.mother_id else "",
                "father_id": child.father_id,
            }
        )
    return rows


def maternal_line(person):
    return [(str(c), c.mother.surname) for c in person.children_via_mother.all()]


def birthplace_index():
    index = defaultdict(list)
    for p in Person.objects.select_related("birth_place"):
        key = p.birth_place.name if p.birth_place else "?"
        index[key].append(p.display_name)
    return dict(index)


def register_of_people():
    return [p.display_name for p in Person.objects.order_by("surname", "given_name")]


def grandmothers():
    out = []
    for p in Person.objects.select_related("mother", "father"):
        mother = p.mother
        if mother is not None and mother.mother_id:
            out.append((str(p), str(mother.mother)))
    return out


def marriage_register():
    marriages = Marriage.objects.select_related("spouse_a", "spouse_b", "place")
    return [f"{m} at {m.place or 'unknown'} on {m.married_on}" for m in marriages]


def citation_export():
    cites = Citation.objects.select_related("source").prefetch_related("content_object")
    return [(c.source.title, str(c.content_object), c.page) for c in cites]


def unresolved_citations():
    missing = []
    for c in Citation.objects.select_related("source").order_by("pk"):
        if c.content_object is None:
            missing.append(c.pk)
    return missing
