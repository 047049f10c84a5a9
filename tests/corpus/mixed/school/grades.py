import csv
import io
import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Avg, F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from .models import Assessment, Grade, Student

logger = logging.getLogger(__name__)


def record_grade(assessment_id, student_id, score):
    grade, created = Grade.objects.update_or_create(
        assessment_id=assessment_id, student_id=student_id, defaults={"score": score}
    )
    if not created:
        Grade.objects.filter(pk=grade.pk).update(resubmissions=F("resubmissions") + 1)
    return grade


def award_merit(student_id, points):
    Student.objects.filter(pk=student_id).update(merit_points=F("merit_points") + points)


def deduct_merit(student_id, points, reason):
    student = Student.objects.get(pk=student_id)
    student.merit_points -= points
    student.save(update_fields=["merit_points"])
    logger.info("deducted %s merit points from %s: %s", points, student.student_number, reason)


def course_average(course_id):
    return Grade.objects.filter(assessment__course_id=course_id).aggregate(avg=Avg("score"))["avg"]


@require_POST
def upload_grades(request, assessment_id):
    assessment = Assessment.objects.get(pk=assessment_id)
    reader = csv.DictReader(io.StringIO(request.FILES["file"].read().decode("utf-8")))
    errors = []
    with transaction.atomic():
        for lineno, row in enumerate(reader, start=2):
            try:
                score = Decimal(row["score"])
                student = Student.objects.get(student_number=row["student_number"])
            except (InvalidOperation, KeyError):
                errors.append({"line": lineno, "error": "missing or invalid score"})
                continue
            except Student.DoesNotExist:
                errors.append({"line": lineno, "error": "unknown student number"})
                continue
            if score > assessment.max_score:
                errors.append({"line": lineno, "error": f"score above maximum {assessment.max_score}"})
                continue
            record_grade(assessment.pk, student.pk, score)
    return JsonResponse({"errors": errors}, status=400 if errors else 200)


def export_grades(request, assessment_id):
    try:
        grades = Grade.objects.filter(assessment_id=assessment_id).select_related("student")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["student_number", "name", "score"])
        for g in grades:
            writer.writerow([g.student.student_number, f"{g.student.first_name} {g.student.last_name}", g.score])
    except Exception as e:
        return HttpResponse(f"Export failed: {e!r}", status=500, content_type="text/plain")
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment_id}.csv"'
    return response
