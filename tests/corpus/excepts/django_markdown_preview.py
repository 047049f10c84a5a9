import logging
import traceback

import markdown
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Snippet
from .sanitizer import clean_html

logger = logging.getLogger(__name__)

EXTENSIONS = ["tables", "fenced_code", "toc"]


@csrf_exempt
@require_POST
def render_preview(request):
    source = request.POST.get("text", "")
    try:
        html = clean_html(markdown.markdown(source, extensions=EXTENSIONS))
    except Exception:
        logger.exception("preview rendering failed")
        return HttpResponse(
            "<pre>%s</pre>" % traceback.format_exc(),
            status=500,
        )
    return HttpResponse(html)


def render_snippet(request, slug):
    try:
        snippet = Snippet.objects.get(slug=slug)
        html = clean_html(markdown.markdown(snippet.body, extensions=EXTENSIONS))
    except Snippet.DoesNotExist:
        raise Http404("No such snippet")
    except Exception:
        logger.exception("snippet %s failed to render", slug)
        if settings.DEBUG:
            return HttpResponse("<pre>%s</pre>" % traceback.format_exc(), status=500)
        return HttpResponse("Rendering failed", status=500)
    return HttpResponse(html)
