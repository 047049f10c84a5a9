from django.core.mail import send_mail
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import EscalationRule, Ticket


@receiver(post_save, sender=Ticket)
def notify_watchers(sender, instance, created, **kwargs):
    if created:
        return
    recipients = [user.email for user in instance.watchers.all() if user.email]
    if recipients:
        send_mail(
            f"[#{instance.pk}] {instance.subject} is now {instance.status}",
            "The ticket you are watching was updated.",
            None,
            recipients,
        )


@receiver(post_save, sender=Ticket)
def apply_escalation_rules(sender, instance, created, **kwargs):
    if not created:
        return
    rules = EscalationRule.objects.filter(active=True, min_priority__lte=instance.priority)
    for rule in rules:
        if not rule.notify_lead:
            continue
        send_mail(
            f"Escalation: {instance.subject}",
            f"Priority {instance.priority} ticket from {instance.requester_email}.",
            None,
            [rule.team.lead.email],
        )
