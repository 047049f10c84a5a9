import datetime

from rest_framework.test import APIRequestFactory

from university_timetable import api
from university_timetable.models import (Building, Course, Department, Enrollment, Lecturer,
                                         Meeting, Room, Section, Student, Term)

from ._util import users

arf = APIRequestFactory()


def seed(n):
    dept = Department.objects.create(code="CS", name="Computing")
    term = Term.objects.create(name="2024A", starts=datetime.date(2024, 2, 1))
    lect_users = users(n, "lect")
    stud_users = users(n, "stud")
    students = [Student.objects.create(user=u, number=f"S{i}", programme="BSc") for i, u in enumerate(stud_users)]
    course0 = None
    for i in range(n):
        b = Building.objects.create(code=f"B{i}", name=f"Building {i}")
        room = Room.objects.create(building=b, number=str(100 + i))
        lect = Lecturer.objects.create(user=lect_users[i], department=dept)
        course = Course.objects.create(department=dept, code=f"CS{i}", title=f"Course {i}")
        course0 = course0 or course
        for j in range(2):
            sec = Section.objects.create(course=course, term=term, lecturer=lect, room=room)
            Meeting.objects.create(section=sec, weekday=j, start=datetime.time(9), end=datetime.time(10))
            Enrollment.objects.create(student=students[i], section=sec)
    # course0 gets n extra sections with all students enrolled (roster scales)
    for j in range(n):
        sec = Section.objects.create(course=course0, term=term)
        for s in students:
            Enrollment.objects.create(student=s, section=sec)
    # student S0 enrolled in every section
    for sec in Section.objects.exclude(enrollments__student=students[0]):
        Enrollment.objects.create(student=students[0], section=sec)
    return {"course": course0}


def _list_sections(c):
    resp = api.SectionViewSet.as_view({"get": "list"})(arf.get("/sections/"))
    resp.render()


def _roster(c):
    api.CourseViewSet.as_view({"get": "roster"})(arf.get("/"), pk=c["course"].pk).render()


def _capacity(c):
    api.CourseViewSet.as_view({"get": "capacity_report"})(arf.get("/")).render()


def _courses(c):
    api.CourseViewSet.as_view({"get": "list"})(arf.get("/")).render()


def _timetable(c):
    api.StudentTimetableView.as_view()(arf.get("/"), number="S0").render()


SCENARIOS = [("sections", _list_sections), ("roster", _roster), ("capacity", _capacity),
             ("courses", _courses), ("timetable", _timetable)]

EXPECT = [
    ("serializers.py", 'return f"{obj.room.building.code}-{obj.room.number}"', "EG101",
     "SectionSerializer.get_room runs per section of the list; room is select_related but room.building is not (second hop)"),
    ("api.py", "report[course.code] = sum(s.capacity for s in course.sections.all())", "EG101",
     "reverse FK course.sections evaluated once per course in capacity_report"),
    ("api.py", "for meeting in section.meetings.all():", "EG101",
     "section.meetings reverse FK evaluated per enrollment (only section__course is select_related)"),
]

NEGATIVES = [
    ("serializers.py", "return obj.lecturer.user.get_full_name() or obj.lecturer.user.username",
     "lecturer__user is select_related in SectionViewSet.get_queryset"),
    ("serializers.py", 'course_code = serializers.CharField(source="course.code", read_only=True)',
     "course select_related"),
    ("serializers.py", "meetings = MeetingSerializer(many=True, read_only=True)", "meetings prefetched"),
    ("serializers.py", 'enrolled = serializers.IntegerField(source="n_enrolled", read_only=True)',
     "Count annotation"),
    ("serializers.py", 'department_name = serializers.CharField(source="department.name", read_only=True)',
     "CourseViewSet.queryset select_related('department')"),
    ("api.py", "for enrollment in section.active_enrollments:", "Prefetch(..., to_attr='active_enrollments')"),
    ("api.py", '"name": enrollment.student.user.get_full_name(),', "student__user select_related inside the Prefetch queryset"),
    ("api.py", '"course": section.course.code,', "section__course select_related on enrollments"),
]
