from django.db import models
from django.urls import reverse


class League(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)

    def __str__(self):
        return self.name


class Season(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="seasons")
    year = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)

    class Meta:
        unique_together = [("league", "year")]


class Coach(models.Model):
    name = models.CharField(max_length=100)
    licence = models.CharField(max_length=20, blank=True)


class Team(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    coach = models.OneToOneField(Coach, null=True, blank=True, on_delete=models.SET_NULL, related_name="team")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("league:team-detail", args=[self.pk])


class Player(models.Model):
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="players")
    name = models.CharField(max_length=100)
    position = models.CharField(max_length=3, default="MF")
    number = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.name


class Match(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="matches")
    home = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="home_matches")
    away = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="away_matches")
    home_score = models.PositiveSmallIntegerField(null=True, blank=True)
    away_score = models.PositiveSmallIntegerField(null=True, blank=True)
    kickoff = models.DateTimeField()

    class Meta:
        ordering = ["kickoff"]
        verbose_name_plural = "matches"

    @property
    def label(self):
        return f"{self.home.name} v {self.away.name}"


class Goal(models.Model):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="goals")
    scorer = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="goals")
    minute = models.PositiveSmallIntegerField()
    own_goal = models.BooleanField(default=False)
