import datetime

from library_loans import services
from library_loans.models import Author, Book, Loan, Member, Publisher


def seed(n):
    today = datetime.date.today()
    for i in range(n):
        pub = Publisher.objects.create(name="P%d" % i)
        a = Author.objects.create(name="A%d" % i, publisher=pub)
        b = Book.objects.create(title="B%d" % i, isbn="%013d" % i, author=a)
        m = Member.objects.create(name="M%d" % i, email="m%d@x.io" % i, card_number="C%d" % i)
        Loan.objects.create(book=b, member=m, borrowed_at=today - datetime.timedelta(days=30),
                            due_at=today - datetime.timedelta(days=2))
    return {"today": today}


SCENARIOS = {
    "overdue": lambda n, d: services.build_overdue_notices(d["today"]),
    "reminders": lambda n, d: services.send_due_reminders(Loan.objects.filter(returned_at__isnull=True)),
    "catalogue": lambda n, d: services.catalogue_by_publisher(),
    "bibliographies": lambda n, d: services.author_bibliographies(),
    "cards": lambda n, d: services.card_numbers_for_loans(list(Loan.objects.values_list("pk", flat=True))),
}

# ---- labels ----
POSITIVES = [
    dict(file="services.py", match="email=loan.member.email,", code="EG101",
         why="member FK not in select_related('book')"),
    dict(file="services.py", match="[loan.member.email],", code="EG101",
         why="loop over queryset argument; member FK loaded lazily per loan"),
    dict(file="services.py", match="catalogue[book.author.publisher.name]", code="EG101",
         why="second hop author.publisher not loaded (select_related('author') only)"),
    dict(file="services.py", match="for book in author.book_set.all()", code="EG101",
         why="reverse FK book_set evaluated per author"),
]
NEGATIVES = [
    dict(file="services.py", match="title=loan.book.title,", why="select_related('book') in overdue_loans()"),
    dict(file="services.py", match="members = Member.objects.in_bulk({loan.member_id for loan in loans})", fixed=True,
         why="in_bulk once, FK id attribute only"),
    dict(file="services.py", match="members[loan.member_id].card_number", why="dict lookup from in_bulk"),
]
