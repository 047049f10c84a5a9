import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from .models import AttendanceRecord, Course, Enrollment, Student


class CourseFull(Exception):
    pass


def enroll(student, course_id):
    course = Course.objects.get(pk=course_id)
    if student.enrollments.filter(course=course, withdrawn=False).count() == 0:
        enrollment = student.enrollments.create(course=course)
        course.seats_taken += 1
        course.save(update_fields=["seats_taken"])
        return enrollment
    return None


def enroll_locked(student_id, course_id):
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course_id)
        if course.seats_taken >= course.capacity:
            raise CourseFull(course.code)
        if Enrollment.objects.filter(student_id=student_id, course=course, withdrawn=False).exists():
            return None
        enrollment = Enrollment.objects.create(student_id=student_id, course=course)
        course.seats_taken += 1
        course.save(update_fields=["seats_taken"])
    return enrollment


def course_detail(request, course_id):
    course = get_object_or_404(Course, pk=course_id)
    student = getattr(request.user, "student", None)
    already_enrolled = bool(
        student and Enrollment.objects.filter(student=student, course=course, withdrawn=False).exists()
    )
    return render(
        request,
        "school/course_detail.html",
        {"course": course, "already_enrolled": already_enrolled, "seats_left": course.capacity - course.seats_taken},
    )


def enroll_view(request, course_id):
    course = get_object_or_404(Course, pk=course_id)
    student = get_object_or_404(Student, pk=request.user.student.pk)
    try:
        enroll_locked(student.pk, course.pk)
    except CourseFull:
        messages.error(request, "Sorry, this course is full.")
    else:
        messages.success(request, f"You are enrolled in {course.title}.")
    return redirect("school:course_detail", course_id=course.pk)


def mark_absent(student_id, date=None):
    date = date or datetime.date.today()
    student = Student.objects.get(pk=student_id)
    try:
        AttendanceRecord.objects.get(student=student, date=date)
    except AttendanceRecord.DoesNotExist:
        AttendanceRecord.objects.create(student=student, date=date, present=False)
        student.absence_count += 1
        student.save()


def withdraw(enrollment_id):
    with transaction.atomic():
        enrollment = Enrollment.objects.select_related("course").get(pk=enrollment_id)
        course = Course.objects.select_for_update().get(pk=enrollment.course_id)
        enrollment.withdrawn = True
        enrollment.save(update_fields=["withdrawn"])
        course.seats_taken -= 1
        course.save(update_fields=["seats_taken"])
