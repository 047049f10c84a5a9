from django.urls import path

from . import views

app_name = "league"

urlpatterns = [
    path("<slug:slug>/standings/", views.StandingsView.as_view(), name="standings"),
    path("fixtures/", views.FixtureListView.as_view(), name="fixtures"),
    path("matches/<int:pk>/", views.MatchDetailView.as_view(), name="match-detail"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("top-scorers/", views.TopScorersView.as_view(), name="top-scorers"),
]
