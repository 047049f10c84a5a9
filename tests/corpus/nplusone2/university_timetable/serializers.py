from rest_framework import serializers

from .models import Course, Meeting, Section


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["weekday", "start", "end"]


class SectionSerializer(serializers.ModelSerializer):
    course_code = serializers.CharField(source="course.code", read_only=True)
    lecturer = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    meetings = MeetingSerializer(many=True, read_only=True)
    enrolled = serializers.IntegerField(source="n_enrolled", read_only=True)

    class Meta:
        model = Section
        fields = ["id", "course_code", "lecturer", "room", "capacity", "enrolled", "meetings"]

    def get_lecturer(self, obj):
        if obj.lecturer is None:
            return None
        return obj.lecturer.user.get_full_name() or obj.lecturer.user.username

    def get_room(self, obj):
        if obj.room_id is None:
            return None
        return f"{obj.room.building.code}-{obj.room.number}"


class CourseSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "code", "title", "credits", "department_name"]
