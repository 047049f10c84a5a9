from django.contrib.auth.models import User
from django.test import RequestFactory

from lms_courses.models import Course, Lesson, LessonProgress, Module
from lms_courses.views import CourseOutlineView, CourseProgressView, CourseStartView

rf = RequestFactory()


def seed(n):
    u = User.objects.create(username="student")
    c = Course.objects.create(title="Django", slug="django")
    for i in range(n):
        m = Module.objects.create(course=c, title="M%d" % i, position=i)
        for pos in (1, 2):
            l = Lesson.objects.create(module=m, title="L%d.%d" % (i, pos), position=pos)
            LessonProgress.objects.create(lesson=l, user=u, completed=True)
    return {"u": u}


def run(cls, d):
    req = rf.get("/")
    req.user = d["u"]
    view = cls()
    view.setup(req, slug="django")
    view.object = view.get_object()
    return view.get_context_data(object=view.object)


SCENARIOS = {
    "outline": lambda n, d: run(CourseOutlineView, d),
    "progress": lambda n, d: run(CourseProgressView, d),
    "start": lambda n, d: run(CourseStartView, d),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match='"done": lesson.progress.filter(user=user, completed=True).exists(),', code="EG101",
         why="reverse FK progress filtered per lesson"),
    dict(file="views.py", match="(module.title, module.lessons.get(position=1).title)", code="EG101",
         why="get() on reverse FK lessons per module"),
]
NEGATIVES = [
    dict(file="views.py", match="for lesson in module.lessons.all():", why="prefetch_related('lessons')"),
    dict(file="views.py", match='{"module": lesson.module.title, "lesson": lesson.title, "done": lesson.pk in done_ids}',
         why="select_related('module') and set of ids built before loop"),
]
