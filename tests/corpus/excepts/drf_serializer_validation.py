from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import Profile
from accounts.validators import validate_username


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "username", "bio", "website"]

    def validate_username(self, value):
        try:
            validate_username(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages)
        return value


class ProfileViewSet(viewsets.ModelViewSet):
    serializer_class = ProfileSerializer
    queryset = Profile.objects.all()

    @action(detail=False, methods=["post"])
    def bulk_update(self, request):
        results, errors = [], {}
        with transaction.atomic():
            for item in request.data:
                instance = self.get_queryset().filter(pk=item.get("id")).first()
                serializer = self.get_serializer(instance, data=item, partial=True)
                try:
                    serializer.is_valid(raise_exception=True)
                except ValidationError as exc:
                    errors[item.get("id")] = exc.detail
                    continue
                results.append(serializer.save().pk)
            if errors:
                transaction.set_rollback(True)
                return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"updated": results})

    @action(detail=True, methods=["post"])
    def rename(self, request, pk=None):
        profile = self.get_object()
        profile.username = request.data.get("username", "")
        try:
            profile.full_clean()
        except DjangoValidationError as e:
            return Response(e.message_dict, status=status.HTTP_400_BAD_REQUEST)
        profile.save()
        return Response(self.get_serializer(profile).data)
