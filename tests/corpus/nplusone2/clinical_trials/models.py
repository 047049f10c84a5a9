from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Audited(TimeStamped):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True

    def audit_label(self):
        who = self.created_by.get_username() if self.created_by_id else "system"
        return f"{self._meta.verbose_name} #{self.pk} entered by {who}"


class Sponsor(TimeStamped):
    name = models.CharField(max_length=200)


class Investigator(TimeStamped):
    name = models.CharField(max_length=200)
    email = models.EmailField()


class Trial(Audited):
    protocol_id = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=255)
    phase = models.CharField(max_length=5)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="trials")
    current_consent_version = models.PositiveSmallIntegerField(default=1)


class Site(Audited):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    principal_investigator = models.ForeignKey(Investigator, on_delete=models.PROTECT, related_name="sites")


class Participant(Audited):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="participants")
    subject_code = models.CharField(max_length=20, unique=True)
    arm = models.CharField(max_length=10)
    withdrawn = models.BooleanField(default=False)


class Consent(TimeStamped):
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="consent")
    version = models.PositiveSmallIntegerField()
    signed_on = models.DateField()


class Visit(Audited):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="visits")
    visit_number = models.PositiveSmallIntegerField()
    scheduled = models.DateField()
    completed = models.DateField(null=True, blank=True)


class AdverseEvent(Audited):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="adverse_events")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL)
    term = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(default=1)
    serious = models.BooleanField(default=False)
