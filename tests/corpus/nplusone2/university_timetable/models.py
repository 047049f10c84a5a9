from django.conf import settings
from django.db import models


class Department(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)


class Building(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)


class Room(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(max_length=10)
    capacity = models.PositiveIntegerField(default=30)


class Lecturer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lecturer")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(max_length=20, blank=True)


class Student(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student")
    number = models.CharField(max_length=12, unique=True)
    programme = models.CharField(max_length=80)


class Course(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(max_length=12, unique=True)
    title = models.CharField(max_length=200)
    credits = models.PositiveSmallIntegerField(default=5)


class Term(models.Model):
    name = models.CharField(max_length=20, unique=True)
    starts = models.DateField()


class Section(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="sections")
    lecturer = models.ForeignKey(Lecturer, null=True, blank=True, on_delete=models.SET_NULL, related_name="sections")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="sections")
    capacity = models.PositiveIntegerField(default=40)
    students = models.ManyToManyField(Student, through="Enrollment", related_name="sections")


class Enrollment(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=12, default="enrolled")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("student", "section")]


class Meeting(models.Model):
    WEEKDAYS = [(i, d) for i, d in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri"])]

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="meetings")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()
