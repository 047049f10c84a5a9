from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.mail import send_mass_mail

from .models import Author, Book, Loan, Member


@dataclass
class OverdueNotice:
    title: str
    email: str
    days_overdue: int


def overdue_loans(today):
    return Loan.objects.filter(returned_at__isnull=True, due_at__lt=today).select_related("book")


def build_overdue_notices(today=None):
    today = today or date.today()
    notices = []
    for loan in overdue_loans(today):
        notices.append(
            OverdueNotice(
                title=loan.book.title,
                email=loan.member.email,
                days_overdue=(today - loan.due_at).days,
            )
        )
    return notices


def send_due_reminders(loans):
    messages = []
    for loan in loans:
        messages.append(
            (
                "Your loan is due soon",
                f"Please return the book by {loan.due_at:%d.%m.%Y}.",
                None,
                [loan.member.email],
            )
        )
    return send_mass_mail(messages, fail_silently=True)


def catalogue_by_publisher():
    catalogue = defaultdict(list)
    for book in Book.objects.select_related("author").order_by("title"):
        catalogue[book.author.publisher.name].append(book.title)
    return dict(catalogue)


def author_bibliographies():
    return {
        author.name: sorted(book.title for book in author.book_set.all())
        for author in Author.objects.order_by("name")
    }


def card_numbers_for_loans(loan_ids):
    loans = list(Loan.objects.filter(pk__in=loan_ids))
    members = Member.objects.in_bulk({loan.member_id for loan in loans})
    return [(loan.pk, members[loan.member_id].card_number) for loan in loans]
