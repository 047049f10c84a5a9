from django.db.models import Count, Prefetch, Q
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Agent, Comment, Ticket
from .serializers import TicketListSerializer


class TicketListView(generics.ListAPIView):
    serializer_class = TicketListSerializer

    def get_queryset(self):
        public = Comment.objects.filter(public=True).select_related("author").order_by("created")
        qs = Ticket.objects.select_related("queue", "requester", "assignee__user").prefetch_related(
            "labels", Prefetch("comments", queryset=public, to_attr="public_comments")
        )
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-opened")


class AgentWorkloadView(APIView):
    def get(self, request):
        agents = Agent.objects.select_related("user").annotate(
            open_count=Count("tickets", filter=Q(tickets__status="open"))
        )
        data = []
        for agent in agents:
            oldest = (
                Ticket.objects.filter(assignee=agent, status="open").order_by("opened").values_list("opened", flat=True).first()
            )
            data.append({"agent": agent.user.username, "open": agent.open_count, "oldest": oldest})
        return Response(data)
