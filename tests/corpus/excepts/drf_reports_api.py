import logging

from django.db import DatabaseError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.generators import build_report, export_report
from reports.serializers import ReportRequestSerializer

logger = logging.getLogger(__name__)


class ReportView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        serializer = ReportRequestSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as exc:
            return Response({"errors": exc.detail}, status=status.HTTP_400_BAD_REQUEST)

        try:
            report = build_report(request.user, **serializer.validated_data)
        except DatabaseError as exc:
            logger.error("report query failed", exc_info=True)
            return Response(
                {"detail": "Report generation failed", "reason": exc.args[0]},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        return Response(report.to_dict(), status=status.HTTP_201_CREATED)


class ReportExportView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        fmt = request.query_params.get("fmt", "csv")
        if fmt not in ("csv", "xlsx", "pdf"):
            return Response({"detail": "Unsupported format"}, status=400)
        try:
            export = export_report(request.user, report_id=pk, fmt=fmt)
        except Exception as exc:
            return Response({"detail": repr(exc)}, status=500)
        return Response({"url": export.url, "expires": export.expires_at})
