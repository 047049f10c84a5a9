import datetime

from django.utils import timezone

from sports_league import views
from sports_league.models import Coach, Goal, League, Match, Player, Season, Team

from ._util import get, render


def seed(n):
    league = League.objects.create(name="Premier", slug="premier")
    season = Season.objects.create(league=league, year=2024, is_current=True)
    teams = []
    for i in range(n + 1):
        coach = Coach.objects.create(name=f"Coach {i}")
        teams.append(Team.objects.create(league=league, name=f"T{i}", city="X", coach=coach))
    big = teams[0]
    players = [Player.objects.create(team=big, name=f"P{i}", number=i) for i in range(n)]
    t0 = timezone.now()
    matches = []
    for i in range(n):
        matches.append(Match.objects.create(season=season, home=teams[i], away=teams[i + 1],
                                            kickoff=t0 + datetime.timedelta(days=i)))
    for i in range(n):
        Goal.objects.create(match=matches[0], scorer=players[i], minute=i + 1)
    return {"match": matches[0], "team": big}


SCENARIOS = [
    ("standings", lambda c: render(views.StandingsView.as_view()(get(), slug="premier"))),
    ("fixtures", lambda c: render(views.FixtureListView.as_view()(get()))),
    ("match", lambda c: render(views.MatchDetailView.as_view()(get(), pk=c["match"].pk))),
    ("team", lambda c: render(views.TeamDetailView.as_view()(get(), pk=c["team"].pk))),
    ("scorers", lambda c: render(views.TopScorersView.as_view()(get()))),
]

EXPECT = [
    ("views.py", '"coach": team.coach.name if team.coach else "vacant"', "EG101",
     "Team.coach (forward one-to-one) not select_related in StandingsView.get_queryset; one Coach query per team"),
    ("views.py", 'context["fixtures"] = [match.label for match in context["object_list"]]', "EG101",
     "Match.label property touches self.away, which FixtureListView.get_queryset does not select_related (only 'home')"),
    ("views.py", '"goals": Goal.objects.filter(scorer=player, own_goal=False).count()', "EG102",
     "COUNT query per squad player in TeamDetailView"),
]

NEGATIVES = [
    ("views.py", '"squad": team.squad_size', "Count('players') annotation instead of per-team count"),
    ("views.py", 'context["timeline"] = [f"{g.minute}', "goals queryset select_related('scorer__team') covers both hops"),
    ("views.py", 'context["headline"] = self.object.label', "single object (not a loop); home/away select_related"),
    ("views.py", '"club": player.team.name', "players iterated from self.object.players: reverse manager caches the parent team"),
    ("views.py", 'context["scorers"] = [(p.name, p.n_goals, p.team.name)', "sliced top-10 queryset with select_related('team') and Count annotation"),
]
