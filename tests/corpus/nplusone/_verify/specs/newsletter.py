import io

from django.core.management import call_command

from newsletter.models import Campaign, Delivery, MailingList, Subscriber, Unsubscribe


def seed(n):
    ml = MailingList.objects.create(name="weekly", from_address="news@x.io")
    c = Campaign.objects.create(mailing_list=ml, subject="Hi", body="..")
    for i in range(n):
        Subscriber.objects.create(mailing_list=ml, email="s%d@x.io" % i, confirmed=True)
        Unsubscribe.objects.create(email="gone%d@x.io" % i)
    return {"c": c}


def cmd(name, *args):
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    Delivery.objects.all().delete()
    return out.getvalue()


SCENARIOS = {
    "send": lambda n, d: cmd("send_campaign", str(d["c"].pk)),
    "resend": lambda n, d: cmd("resend_campaign", str(d["c"].pk)),
}

# ---- labels ----
POSITIVES = [
    dict(file="management/commands/send_campaign.py",
         match="if Unsubscribe.objects.filter(email__iexact=subscriber.email).exists():", code="EG102",
         why="exists() query per subscriber"),
    dict(file="management/commands/send_campaign.py",
         match="if Delivery.objects.filter(campaign=campaign, subscriber=subscriber).exists():", code="EG102",
         why="exists() query per subscriber"),
]
NEGATIVES = [
    dict(file="management/commands/send_campaign.py", match="campaign.mailing_list.from_address,",
         why="campaign is not the loop variable and mailing_list is select_related"),
    dict(file="management/commands/resend_campaign.py",
         match="if subscriber.email.lower() in blocked or subscriber.pk in already_sent:",
         why="sets built with values_list before the loop"),
    dict(file="management/commands/resend_campaign.py",
         match="blocked = {email.lower() for email in Unsubscribe.objects.values_list(\"email\", flat=True)}",
         why="loop over values_list rows (strings)"),
]
