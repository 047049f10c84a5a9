from rest_framework.test import APIRequestFactory

from game_leaderboard import views
from game_leaderboard.models import Achievement, Clan, Game, PlayerAchievement, PlayerProfile, Score

from ._util import users

arf = APIRequestFactory()


def seed(n):
    game = Game.objects.create(title="Tetris", slug="tetris")
    us = users(n, "gamer")
    codes = []
    for i in range(n):
        ally = Clan.objects.create(name=f"Ally{i}", tag=f"AL{i}")
        clan = Clan.objects.create(name=f"Clan{i}", tag=f"CL{i}", alliance=ally)
        p = PlayerProfile.objects.create(user=us[i], handle=f"h{i}", country="GB", clan=clan)
        Score.objects.create(player=p, game=game, points=100 + i)
        a = Achievement.objects.create(game=game, code=f"ach{i}", title="t")
        PlayerAchievement.objects.create(player=p, achievement=a)
        codes.append(a.code)
    return {"player": p, "codes": codes}


def _award(c):
    req = arf.post("/", {"codes": c["codes"]}, format="json")
    views.PlayerViewSet.as_view({"post": "award"})(req, pk=c["player"].pk).render()


SCENARIOS = [
    ("leaderboard", lambda c: views.LeaderboardViewSet.as_view({"get": "list"})(arf.get("/"), game_slug="tetris").render()),
    ("by_country", lambda c: views.LeaderboardViewSet.as_view({"get": "by_country"})(arf.get("/"), game_slug="tetris").render()),
    ("clans", lambda c: views.LeaderboardViewSet.as_view({"get": "clans"})(arf.get("/"), game_slug="tetris").render()),
    ("players", lambda c: views.PlayerViewSet.as_view({"get": "list"})(arf.get("/")).render()),
    ("award", _award),
]

EXPECT = [
    ("serializers.py", 'return [pa.achievement.code for pa in obj.playerachievement_set.select_related("achievement")]', "EG101",
     "PlayerSerializer.get_achievements queries the through-model reverse manager once per listed player (no prefetch in PlayerViewSet.queryset)"),
    ("views.py", "root = clan.alliance or clan", "EG101",
     "with_players() selects player__clan but not clan.alliance (self-referential FK); one Clan query per score"),
    ("views.py", "achievement = get_object_or_404(Achievement, code=code)", "EG102",
     "get_object_or_404 per posted achievement code"),
]

NEGATIVES = [
    ("serializers.py", 'handle = serializers.CharField(source="player.handle", read_only=True)', "player select_related via with_players()"),
    ("serializers.py", "clan = obj.player.clan", "player__clan select_related via with_players()"),
    ("serializers.py", 'best = serializers.IntegerField(source="best_score", read_only=True)', "Max annotation"),
    ("views.py", 'rows = self.get_queryset().values("player__country").annotate(best=Max("points"), n=Count("id"))',
     "grouped values() query"),
    ("views.py", "clan = score.player.clan", "custom queryset with_players() select_related('player__clan')"),
    ("views.py", "totals[root.tag] += score.points", "root already loaded"),
]
