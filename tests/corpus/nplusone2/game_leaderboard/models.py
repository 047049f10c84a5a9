from django.conf import settings
from django.db import models


class Game(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)


class Clan(models.Model):
    name = models.CharField(max_length=80)
    tag = models.CharField(max_length=6, unique=True)
    alliance = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="member_clans")


class Achievement(models.Model):
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="achievements")
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=120)
    points = models.PositiveIntegerField(default=10)


class PlayerProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    handle = models.CharField(max_length=30, unique=True)
    country = models.CharField(max_length=2, blank=True)
    clan = models.ForeignKey(Clan, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    achievements = models.ManyToManyField(Achievement, through="PlayerAchievement", related_name="players")


class PlayerAchievement(models.Model):
    player = models.ForeignKey(PlayerProfile, on_delete=models.CASCADE)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE)
    unlocked_at = models.DateTimeField(auto_now_add=True)


class ScoreQuerySet(models.QuerySet):
    def for_game(self, game):
        return self.filter(game=game, verified=True)

    def with_players(self):
        return self.select_related("player__user", "player__clan")


class Score(models.Model):
    player = models.ForeignKey(PlayerProfile, on_delete=models.CASCADE, related_name="scores")
    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="scores")
    points = models.PositiveIntegerField()
    achieved_at = models.DateTimeField(auto_now_add=True)
    verified = models.BooleanField(default=True)

    objects = ScoreQuerySet.as_manager()
