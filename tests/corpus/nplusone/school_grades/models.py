from django.db import models


class Course(models.Model):
    code = models.CharField(max_length=12, unique=True)
    title = models.CharField(max_length=200)
    term = models.CharField(max_length=10)


class Student(models.Model):
    student_number = models.CharField(max_length=12, unique=True)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)

    @property
    def full_name(self):
        return f"{self.last_name}, {self.first_name}"


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_on = models.DateField(auto_now_add=True)


class Grade(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="grades")
    kind = models.CharField(max_length=20)
    score = models.DecimalField(max_digits=5, decimal_places=2)
