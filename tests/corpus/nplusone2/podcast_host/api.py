from django.db.models import Count, Prefetch, Sum
from django.shortcuts import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Episode, Host, Show


class ShowEpisodesView(APIView):
    def get(self, request, slug):
        show = get_object_or_404(Show, slug=slug)
        episodes = (
            show.episodes.filter(published_at__isnull=False)
            .prefetch_related("guests")
            .annotate(total_downloads=Sum("downloads__count"))
            .order_by("-number")
        )
        data = [
            {
                "title": ep.full_title,
                "guests": ep.guest_names,
                "downloads": ep.total_downloads or 0,
            }
            for ep in episodes
        ]
        return Response({"show": show.title, "episodes": data})


class LatestEpisodesView(APIView):
    def get(self, request):
        limit = int(request.query_params.get("limit", 20))
        episodes = Episode.objects.filter(published_at__isnull=False).order_by("-published_at")[:limit]
        payload = []
        for ep in episodes:
            payload.append(
                {
                    "title": ep.full_title,
                    "guests": ep.guest_names,
                    "duration": ep.duration_s,
                }
            )
        return Response(payload)


class HostStatsView(APIView):
    def get(self, request):
        shows = Show.objects.annotate(n_episodes=Count("episodes"))
        hosts = Host.objects.select_related("user").prefetch_related(Prefetch("shows", queryset=shows))
        out = []
        for host in hosts:
            out.append(
                {
                    "host": host.display_name,
                    "username": host.user.username,
                    "shows": [{"title": s.title, "episodes": s.n_episodes} for s in host.shows.all()],
                }
            )
        return Response(out)


class HostDirectoryView(APIView):
    def get(self, request):
        out = []
        for host in Host.objects.defer("bio").order_by("display_name"):
            out.append({"name": host.display_name, "teaser": host.bio[:80]})
        return Response(out)
