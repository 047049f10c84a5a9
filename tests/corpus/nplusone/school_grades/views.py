import csv

from django.db.models import Avg, Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from .models import Course, Enrollment, Grade

ASSESSMENT_KINDS = ("quiz", "midterm", "final")


def export_gradebook(request, course_id):
    course = get_object_or_404(Course, pk=course_id)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{course.code}-grades.csv"'
    writer = csv.writer(response)
    writer.writerow(["Student number", "Name", *ASSESSMENT_KINDS, "Average"])

    enrollments = course.enrollments.select_related("student").order_by("student__last_name")
    for enrollment in enrollments:
        student = enrollment.student
        scores = {grade.kind: grade.score for grade in enrollment.grades.all()}
        average = Grade.objects.filter(enrollment=enrollment).aggregate(avg=Avg("score"))["avg"]
        writer.writerow(
            [
                student.student_number,
                student.full_name,
                *[scores.get(kind, "") for kind in ASSESSMENT_KINDS],
                f"{average:.1f}" if average is not None else "",
            ]
        )
    return response


def course_statistics(request, course_id):
    course = get_object_or_404(Course, pk=course_id)
    stats = {}
    for kind in ASSESSMENT_KINDS:
        agg = Grade.objects.filter(enrollment__course=course, kind=kind).aggregate(avg=Avg("score"), n=Count("id"))
        stats[kind] = {"average": float(agg["avg"] or 0), "graded": agg["n"]}
    return JsonResponse(stats)


def honor_roll(request, course_id):
    enrollments = (
        Enrollment.objects.filter(course_id=course_id)
        .select_related("student")
        .annotate(avg=Avg("grades__score"))
        .order_by("-avg")
    )
    names = [e.student.full_name for e in enrollments if e.avg is not None and e.avg >= 50]
    return JsonResponse({"honor_roll": names})
