from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Course, Enrollment, Section, Student
from .serializers import CourseSerializer, SectionSerializer


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer

    def get_queryset(self):
        qs = Section.objects.select_related("course", "lecturer__user", "room")
        qs = qs.prefetch_related("meetings").annotate(n_enrolled=Count("enrollments"))
        term = self.request.query_params.get("term")
        if term:
            qs = qs.filter(term__name=term)
        return qs.order_by("course__code")


class CourseViewSet(viewsets.ModelViewSet):
    queryset = Course.objects.select_related("department")
    serializer_class = CourseSerializer

    @action(detail=True)
    def roster(self, request, pk=None):
        course = self.get_object()
        sections = course.sections.prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(status="enrolled").select_related("student__user"),
                to_attr="active_enrollments",
            )
        )
        data = []
        for section in sections:
            for enrollment in section.active_enrollments:
                data.append(
                    {
                        "section": section.pk,
                        "student": enrollment.student.number,
                        "name": enrollment.student.user.get_full_name(),
                    }
                )
        return Response(data)

    @action(detail=False, url_path="capacity")
    def capacity_report(self, request):
        report = {}
        for course in self.get_queryset():
            report[course.code] = sum(s.capacity for s in course.sections.all())
        return Response(report)


class StudentTimetableView(APIView):
    def get(self, request, number):
        student = get_object_or_404(Student.objects.select_related("user"), number=number)
        enrollments = student.enrollments.filter(status="enrolled").select_related("section__course")
        slots = []
        for enrollment in enrollments:
            section = enrollment.section
            for meeting in section.meetings.all():
                slots.append(
                    {
                        "course": section.course.code,
                        "weekday": meeting.get_weekday_display(),
                        "start": meeting.start.isoformat(),
                    }
                )
        return Response({"student": student.user.username, "slots": slots})
