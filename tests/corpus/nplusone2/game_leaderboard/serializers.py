from rest_framework import serializers

from .models import PlayerProfile, Score


class ScoreSerializer(serializers.ModelSerializer):
    handle = serializers.CharField(source="player.handle", read_only=True)
    clan = serializers.SerializerMethodField()

    class Meta:
        model = Score
        fields = ["id", "points", "achieved_at", "handle", "clan"]

    def get_clan(self, obj):
        clan = obj.player.clan
        return clan.tag if clan else None


class PlayerSerializer(serializers.ModelSerializer):
    best = serializers.IntegerField(source="best_score", read_only=True)
    achievements = serializers.SerializerMethodField()

    class Meta:
        model = PlayerProfile
        fields = ["id", "handle", "country", "best", "achievements"]

    def get_achievements(self, obj):
        return [pa.achievement.code for pa in obj.playerachievement_set.select_related("achievement")]
