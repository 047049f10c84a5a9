from django.db.models import Q

from .models import GlossaryTerm, Language, Segment, TranslationUnit


def export_pairs(project, language_code):
    language = Language.objects.get(code=language_code)
    units = TranslationUnit.objects.filter(segment__project=project, language=language, status="approved")
    by_segment = {u.segment_id: u for u in units}
    pairs = []
    for segment in project.segments.order_by("position"):
        unit = by_segment.get(segment.pk)
        pairs.append((segment.source_text, unit.text if unit else ""))
    return pairs


def leverage(project, texts):
    matches = {}
    for text in set(texts):
        hit = Segment.objects.filter(source_text=text).exclude(project=project).first()
        if hit is not None:
            matches[text] = hit.pk
    return matches


def leverage_candidates(project, texts):
    candidates = Segment.objects.filter(source_text__in=set(texts)).exclude(project=project).only("pk", "source_text")
    return {s.source_text: s.pk for s in candidates}


def translator_ids(unit_ids):
    units = TranslationUnit.objects.in_bulk(unit_ids)
    return {pk: units[pk].translator_id for pk in unit_ids if pk in units}


def reviewer_names(unit_ids):
    names = set()
    for unit in TranslationUnit.objects.in_bulk(unit_ids).values():
        if unit.approved_by_id:
            names.add(unit.approved_by.get_username())
    return names


def coverage_matrix(project):
    languages = list(project.target_languages.order_by("code"))
    segments = list(project.segments.order_by("position"))
    done = set(
        TranslationUnit.objects.filter(segment__project=project, status="approved").values_list("segment_id", "language_id")
    )
    return {lang.code: sum((seg.pk, lang.pk) in done for seg in segments) for lang in languages}


def side_by_side(project, lang_a, lang_b):
    a_units = TranslationUnit.objects.filter(segment__project=project, language__code=lang_a).order_by("segment__position")
    b_units = TranslationUnit.objects.filter(segment__project=project, language__code=lang_b).order_by("segment__position")
    rows = []
    for idx, (a, b) in enumerate(zip(a_units.select_related("segment"), b_units), start=1):
        source = a.segment.source_text
        who = b.translator.user.username if b.translator_id else ""
        rows.append((idx, source, a.text, b.text, who))
    return rows


def glossary_violations(project, language):
    terms = {
        g.term.lower(): g.translation
        for g in GlossaryTerm.objects.filter(language=language).filter(Q(project=project) | Q(project__isnull=True))
    }
    problems = []
    units = TranslationUnit.objects.filter(segment__project=project, language=language).select_related("segment")
    for unit in units:
        for term, expected in terms.items():
            if term in unit.segment.source_text.lower() and expected not in unit.text:
                problems.append((unit.pk, term))
    return problems
