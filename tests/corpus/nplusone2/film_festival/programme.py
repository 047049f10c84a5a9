from .models import JuryMember, Screening, Vote


def daily_programme(festival, day):
    screenings = (
        Screening.objects.filter(film__festival=festival, starts__date=day)
        .select_related("film__director", "venue")
        .order_by("starts")
    )
    return [f"{s.starts:%H:%M} {s.venue.name}: {s.film.title} ({s.film.director.name})" for s in screenings]


def sold_out_titles(festival):
    return [f.title for f in festival.films.all() if any(s.sold_out for s in f.screenings.all())]


def sold_out_for_programme(festival):
    films = festival.films.prefetch_related("screenings")
    return [f.title for f in films if any(s.sold_out for s in f.screenings.all())]


def total_capacity(festival):
    return sum(s.venue.seats for s in Screening.objects.filter(film__festival=festival))


def jury_matrix(festival):
    films = list(festival.films.order_by("title"))
    table = {}
    for juror in JuryMember.objects.filter(festival=festival).select_related("person"):
        for film in films:
            vote = Vote.objects.filter(juror=juror, film=film).first()
            table[(juror.person.name, film.title)] = vote.score if vote else None
    return table


def jury_matrix_flat(festival):
    votes = Vote.objects.filter(film__festival=festival).values_list("juror__person__name", "film__title", "score")
    return {(juror, title): score for juror, title, score in votes}


def by_director(festival):
    films = festival.films.select_related("director")
    return sorted(films, key=lambda f: (f.director.name, f.title))


def sections(festival):
    grouped = {}
    for film in festival.films.only("title", "section", "festival"):
        grouped.setdefault(film.section, []).append((film.title, film.festival.slug))
    return grouped
