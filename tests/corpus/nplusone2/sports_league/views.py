from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import Goal, League, Match, Player, Team


class StandingsView(ListView):
    template_name = "sports_league/standings.html"
    context_object_name = "teams"

    def get_queryset(self):
        self.league = get_object_or_404(League, slug=self.kwargs["slug"])
        return Team.objects.filter(league=self.league).annotate(squad_size=Count("players")).order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = []
        for team in context["teams"]:
            table.append(
                {
                    "team": team.name,
                    "squad": team.squad_size,
                    "coach": team.coach.name if team.coach else "vacant",
                }
            )
        context["league"] = self.league
        context["table"] = table
        return context


class FixtureListView(ListView):
    model = Match
    paginate_by = 100

    def get_queryset(self):
        qs = super().get_queryset().filter(season__is_current=True)
        return qs.select_related("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["fixtures"] = [match.label for match in context["object_list"]]
        return context


class MatchDetailView(DetailView):
    model = Match

    def get_queryset(self):
        return super().get_queryset().select_related("home", "away", "season__league")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goals = self.object.goals.select_related("scorer__team").order_by("minute")
        context["timeline"] = [f"{g.minute}' {g.scorer.name} ({g.scorer.team.name})" for g in goals]
        context["headline"] = self.object.label
        return context


class TeamDetailView(DetailView):
    model = Team

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        squad = []
        for number, player in enumerate(self.object.players.order_by("number"), start=1):
            squad.append(
                {
                    "n": number,
                    "name": player.name,
                    "club": player.team.name,
                    "goals": Goal.objects.filter(scorer=player, own_goal=False).count(),
                }
            )
        context["squad"] = squad
        return context


class TopScorersView(TemplateView):
    template_name = "sports_league/top_scorers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scorers = (
            Player.objects.annotate(n_goals=Count("goals"))
            .filter(n_goals__gt=0)
            .select_related("team")
            .order_by("-n_goals", "name")[:10]
        )
        context["scorers"] = [(p.name, p.n_goals, p.team.name) for p in scorers]
        return context
