from django.views.generic import DetailView

from .models import Course, Lesson, LessonProgress


class CourseOutlineView(DetailView):
    model = Course
    template_name = "lms/course_outline.html"

    def get_queryset(self):
        return Course.objects.filter(published=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        outline = []
        modules = self.object.modules.prefetch_related("lessons").order_by("position")
        for module in modules:
            lessons = []
            for lesson in module.lessons.all():
                lessons.append(
                    {
                        "title": lesson.title,
                        "minutes": lesson.duration_minutes,
                        "done": lesson.progress.filter(user=user, completed=True).exists(),
                    }
                )
            outline.append({"module": module.title, "lessons": lessons})
        context["outline"] = outline
        return context


class CourseProgressView(DetailView):
    model = Course
    template_name = "lms/course_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        done_ids = set(
            LessonProgress.objects.filter(
                user=self.request.user, completed=True, lesson__module__course=self.object
            ).values_list("lesson_id", flat=True)
        )
        lessons = Lesson.objects.filter(module__course=self.object).select_related("module")
        context["rows"] = [
            {"module": lesson.module.title, "lesson": lesson.title, "done": lesson.pk in done_ids}
            for lesson in lessons
        ]
        return context


class CourseStartView(DetailView):
    model = Course
    template_name = "lms/course_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry_points"] = [
            (module.title, module.lessons.get(position=1).title)
            for module in self.object.modules.order_by("position")
        ]
        return context
