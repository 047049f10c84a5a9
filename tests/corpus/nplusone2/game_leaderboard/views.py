from collections import defaultdict

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Achievement, Game, PlayerAchievement, PlayerProfile, Score
from .serializers import PlayerSerializer, ScoreSerializer


class LeaderboardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ScoreSerializer

    def get_queryset(self):
        game = get_object_or_404(Game, slug=self.kwargs["game_slug"])
        return Score.objects.for_game(game).with_players().order_by("-points")

    @action(detail=False, url_path="by-country")
    def by_country(self, request, game_slug=None):
        rows = self.get_queryset().values("player__country").annotate(best=Max("points"), n=Count("id"))
        return Response(list(rows))

    @action(detail=False)
    def clans(self, request, game_slug=None):
        totals = defaultdict(int)
        for score in self.get_queryset():
            clan = score.player.clan
            if clan is None:
                continue
            root = clan.alliance or clan
            totals[root.tag] += score.points
        return Response(dict(totals))


class PlayerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlayerSerializer
    queryset = PlayerProfile.objects.annotate(best_score=Max("scores__points")).order_by("handle")

    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        player = self.get_object()
        awards = []
        for code in request.data.get("codes", []):
            achievement = get_object_or_404(Achievement, code=code)
            awards.append(PlayerAchievement(player=player, achievement=achievement))
        PlayerAchievement.objects.bulk_create(awards)
        return Response({"awarded": len(awards)})
