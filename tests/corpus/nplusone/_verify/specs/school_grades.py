from django.test import RequestFactory

from school_grades import views
from school_grades.models import Course, Enrollment, Grade, Student

rf = RequestFactory()


def seed(n):
    c = Course.objects.create(code="CS101", title="Intro", term="F24")
    for i in range(n):
        s = Student.objects.create(student_number="S%d" % i, first_name="F", last_name="L%d" % i)
        e = Enrollment.objects.create(course=c, student=s)
        for k in ("quiz", "midterm", "final"):
            Grade.objects.create(enrollment=e, kind=k, score=80)
    return {"c": c}


SCENARIOS = {
    "export": lambda n, d: views.export_gradebook(rf.get("/"), d["c"].pk),
    "stats": lambda n, d: views.course_statistics(rf.get("/"), d["c"].pk),
    "honor": lambda n, d: views.honor_roll(rf.get("/"), d["c"].pk),
}

# ---- labels ----
POSITIVES = [
    dict(file="views.py", match="scores = {grade.kind: grade.score for grade in enrollment.grades.all()}", code="EG101",
         why="reverse FK grades evaluated per enrollment"),
    dict(file="views.py", match='average = Grade.objects.filter(enrollment=enrollment).aggregate(avg=Avg("score"))["avg"]',
         code="EG102", why="aggregate() per enrollment"),
]
NEGATIVES = [
    dict(file="views.py", match="student = enrollment.student", why="select_related('student')"),
    dict(file="views.py", match='agg = Grade.objects.filter(enrollment__course=course, kind=kind)', fixed=True,
         why="loop over a literal tuple of 3 assessment kinds: constant queries"),
    dict(file="views.py", match="names = [e.student.full_name for e in enrollments", why="select_related + annotate(Avg)"),
]
