from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import JsonResponse

from .models import Project


@login_required
def my_projects(request):
    projects = Project.objects.filter(owner=request.user).order_by("name")
    languages = {p.name: [lang.code for lang in p.target_languages.all()] for p in projects}
    stats = Project.objects.filter(owner=request.user).annotate(n_segments=Count("segments"))
    sizes = {p.name: p.n_segments for p in stats}
    return JsonResponse({"languages": languages, "sizes": sizes})
