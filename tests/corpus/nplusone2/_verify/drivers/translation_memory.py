from translation_memory import services, views
from translation_memory.models import GlossaryTerm, Language, Project, Segment, TranslationUnit, Translator

from ._util import get, users


def seed(n):
    us = users(n + 1, "tr")
    owner = us[0]
    en = Language.objects.create(code="en", name="English")
    de = Language.objects.create(code="de", name="German")
    fr = Language.objects.create(code="fr", name="French")
    main = Project.objects.create(name="Main", owner=owner, source_language=en)
    main.target_languages.add(de, fr)
    other = Project.objects.create(name="Other", owner=owner, source_language=en)
    GlossaryTerm.objects.create(project=main, language=de, term="hello", translation="hallo")
    texts, unit_ids = [], []
    for i in range(n):
        p = Project.objects.create(name=f"P{i}", owner=owner, source_language=en)
        p.target_languages.add(de)
        t = Translator.objects.create(user=us[i + 1])
        seg = Segment.objects.create(project=main, position=i, source_text=f"hello world {i}")
        Segment.objects.create(project=other, position=i, source_text=f"hello world {i}")
        u = TranslationUnit.objects.create(segment=seg, language=de, text="x", status="approved", translator=t,
                                           approved_by=us[i + 1])
        TranslationUnit.objects.create(segment=seg, language=fr, text="y", translator=t)
        texts.append(seg.source_text)
        unit_ids.append(u.pk)
    return {"owner": owner, "main": main, "texts": texts, "unit_ids": unit_ids, "de": de}


SCENARIOS = [
    ("export", lambda c: services.export_pairs(c["main"], "de")),
    ("leverage", lambda c: services.leverage(c["main"], c["texts"])),
    ("leverage_candidates", lambda c: services.leverage_candidates(c["main"], c["texts"])),
    ("translator_ids", lambda c: services.translator_ids(c["unit_ids"])),
    ("reviewers", lambda c: services.reviewer_names(c["unit_ids"])),
    ("coverage", lambda c: services.coverage_matrix(c["main"])),
    ("side", lambda c: services.side_by_side(c["main"], "de", "fr")),
    ("glossary", lambda c: services.glossary_violations(c["main"], c["de"])),
    ("my_projects", lambda c: views.my_projects(get(user=c["owner"]))),
]

EXPECT = [
    ("services.py", "hit = Segment.objects.filter(source_text=text).exclude(project=project).first()", "EG102",
     "one .first() lookup per incoming source string"),
    ("services.py", "names.add(unit.approved_by.get_username())", "EG101",
     "approved_by FK loaded per unit returned by in_bulk()"),
    ("services.py", 'who = b.translator.user.username if b.translator_id else ""', "EG101",
     "b_units has no select_related: translator and translator.user loaded per row of the zip()"),
    ("views.py", "languages = {p.name: [lang.code for lang in p.target_languages.all()] for p in projects}", "EG101",
     "M2M target_languages evaluated per project in a dict comprehension"),
]

NEGATIVES = [
    ("services.py", "by_segment = {u.segment_id: u for u in units}", "dict keyed by raw segment_id built before the loop"),
    ("services.py", 'pairs.append((segment.source_text, unit.text if unit else ""))', "dict lookup, no relation access"),
    ("services.py", "return {s.source_text: s.pk for s in candidates}", "single IN query; only() fields read"),
    ("services.py", "return {pk: units[pk].translator_id for pk in unit_ids if pk in units}", "in_bulk dict + raw FK id"),
    ("services.py", "return {lang.code: sum((seg.pk, lang.pk) in done for seg in segments) for lang in languages}",
     "nested comprehension over materialised lists and a prebuilt set"),
    ("services.py", "source = a.segment.source_text", "a_units select_related('segment') inside zip()"),
    ("services.py", "if term in unit.segment.source_text.lower() and expected not in unit.text:",
     "inner loop over a dict; segment select_related"),
    ("views.py", "sizes = {p.name: p.n_segments for p in stats}", "Count annotation"),
]
