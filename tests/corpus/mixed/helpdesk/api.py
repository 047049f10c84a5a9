import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import tickets
from .models import Ticket

logger = logging.getLogger(__name__)


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "subject", "status", "customer", "assignee", "reply_count", "created_at"]


class TicketListView(generics.ListAPIView):
    serializer_class = TicketSerializer

    def get_queryset(self):
        qs = Ticket.objects.select_related("customer", "assignee")
        status_filter = self.request.query_params.get("status")
        if status_filter:
            qs = qs.filter(status=status_filter)
        return qs


class ReplyView(APIView):
    def post(self, request, ticket_id):
        body = request.data.get("body", "").strip()
        if not body:
            raise ValidationError({"body": ["This field may not be blank."]})
        agent = getattr(request.user, "agent", None)
        try:
            reply = tickets.add_reply(ticket_id, agent, body, internal=bool(request.data.get("internal")))
        except Ticket.DoesNotExist:
            return Response({"detail": "Ticket not found."}, status=status.HTTP_404_NOT_FOUND)
        except Exception as exc:
            error = {"detail": "Could not save reply", "reason": f"{type(exc).__name__}: {exc}"}
            return Response(error, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response({"id": reply.pk}, status=status.HTTP_201_CREATED)


class AssignView(APIView):
    def post(self, request, ticket_id):
        if not request.user.has_perm("helpdesk.change_ticket"):
            raise PermissionDenied
        try:
            ticket = tickets.assign(ticket_id, int(request.data["agent_id"]))
        except (KeyError, ValueError):
            return Response({"detail": "agent_id is required"}, status=status.HTTP_400_BAD_REQUEST)
        except Exception as exc:
            logger.exception("assign failed")
            body = {"detail": "Assignment failed."}
            if settings.DEBUG:
                body["exception"] = str(exc)
            return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(TicketSerializer(ticket).data)


class ReopenView(APIView):
    def post(self, request, ticket_id):
        try:
            ticket = tickets.reopen(ticket_id)
        except Ticket.DoesNotExist as exc:
            return Response({"detail": exc.args[0]}, status=status.HTTP_404_NOT_FOUND)
        return Response(TicketSerializer(ticket).data)


class BulkStatusView(APIView):
    def post(self, request):
        serializer = serializers.ListField(child=serializers.IntegerField())
        try:
            ids = serializer.run_validation(request.data.get("ids"))
        except ValidationError as exc:
            return Response({"ids": exc.detail}, status=status.HTTP_400_BAD_REQUEST)
        updated = Ticket.objects.filter(pk__in=ids).update(status=request.data.get("status", Ticket.Status.CLOSED))
        return Response({"updated": updated})
