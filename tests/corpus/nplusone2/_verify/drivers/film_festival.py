from django.utils import timezone

from film_festival import programme, views
from film_festival.models import Festival, Film, JuryMember, Person, Screening, Venue, Vote

from ._util import get, render


def seed(n):
    now = timezone.now()
    fest = Festival.objects.create(name="Fest", year=2024, slug="fest")
    films = []
    for i in range(n):
        d = Person.objects.create(name=f"Dir{i}")
        v = Venue.objects.create(name=f"V{i}", seats=100)
        f = Film.objects.create(festival=fest, director=d, title=f"F{i}", year=2024, runtime=90)
        Screening.objects.create(film=f, venue=v, starts=now, sold_out=(i % 2 == 0))
        films.append(f)
        jm = JuryMember.objects.create(festival=fest, person=Person.objects.create(name=f"Juror{i}"))
        for f2 in films:
            Vote.objects.create(juror=jm, film=f2, score=7)
    return {"fest": fest}


SCENARIOS = [
    ("programme_view", lambda c: render(views.ProgrammeView.as_view()(get(), slug="fest"))),
    ("sold_out", lambda c: programme.sold_out_titles(c["fest"])),
    ("capacity", lambda c: programme.total_capacity(c["fest"])),
    ("jury", lambda c: programme.jury_matrix(c["fest"])),
    ("jury_flat", lambda c: programme.jury_matrix_flat(c["fest"])),
    ("sections", lambda c: programme.sections(c["fest"])),
]

EXPECT = [
    ("programme.py", "return [f.title for f in festival.films.all() if any(s.sold_out for s in f.screenings.all())]", "EG101",
     "f.screenings evaluated per film inside any() (no prefetch)"),
    ("programme.py", "return sum(s.venue.seats for s in Screening.objects.filter(film__festival=festival))", "EG101",
     "venue FK loaded per screening inside the sum() generator"),
    ("programme.py", "vote = Vote.objects.filter(juror=juror, film=film).first()", "EG102",
     "query per juror x film in nested loops"),
]

NEGATIVES = [
    ("programme.py", 'return [f"{s.starts:%H:%M} {s.venue.name}: {s.film.title} ({s.film.director.name})" for s in screenings]',
     "select_related('film__director', 'venue')"),
    ("programme.py", "return [f.title for f in films if any(s.sold_out for s in f.screenings.all())]", "prefetch_related('screenings')"),
    ("programme.py", "table[(juror.person.name, film.title)] = vote.score if vote else None", "person select_related"),
    ("programme.py", "return {(juror, title): score for juror, title, score in votes}", "values_list tuples"),
    ("programme.py", "return sorted(films, key=lambda f: (f.director.name, f.title))", "director select_related (sort key lambda)"),
    ("programme.py", "grouped.setdefault(film.section, []).append((film.title, film.festival.slug))",
     "only() keeps the festival FK, and rows from festival.films have the festival cached"),
    ("views.py", "directors=[(f.title, f.director.name) for f in programme.by_director(festival)],",
     "helper returns objects with director select_related"),
]
