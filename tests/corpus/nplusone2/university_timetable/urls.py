from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("sections", api.SectionViewSet, basename="section")
router.register("courses", api.CourseViewSet, basename="course")

urlpatterns = [
    path("students/<str:number>/timetable/", api.StudentTimetableView.as_view(), name="student-timetable"),
] + router.urls
