from django.apps import AppConfig


class VolunteerSchedulingConfig(AppConfig):
    name = "volunteer_scheduling"
    verbose_name = "Volunteer scheduling"

    def ready(self):
        from . import signals  # noqa: F401
