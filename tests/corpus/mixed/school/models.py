from django.db import models


class Term(models.Model):
    name = models.CharField(max_length=40)
    starts_on = models.DateField()
    ends_on = models.DateField()
    is_current = models.BooleanField(default=False)


class Student(models.Model):
    student_number = models.CharField(max_length=16, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    year_group = models.PositiveSmallIntegerField()
    absence_count = models.PositiveIntegerField(default=0)
    merit_points = models.IntegerField(default=0)


class Course(models.Model):
    code = models.CharField(max_length=12)
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(max_length=120)
    capacity = models.PositiveSmallIntegerField(default=30)
    seats_taken = models.PositiveSmallIntegerField(default=0)


class Enrollment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_on = models.DateField(auto_now_add=True)
    withdrawn = models.BooleanField(default=False)


class Assessment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assessments")
    title = models.CharField(max_length=120)
    max_score = models.PositiveSmallIntegerField(default=100)


class Grade(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="grades")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="grades")
    score = models.DecimalField(max_digits=5, decimal_places=2)
    resubmissions = models.PositiveSmallIntegerField(default=0)

    class Meta:
        unique_together = [("assessment", "student")]


class AttendanceRecord(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attendance")
    date = models.DateField()
    present = models.BooleanField()
