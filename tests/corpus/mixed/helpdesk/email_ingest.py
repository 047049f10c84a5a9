"""Poll the support mailbox and turn new messages into tickets."""
import email
import email.policy
import email.utils
import imaplib
import logging

try:
    from bs4 import BeautifulSoup
except ImportError:  # optional dependency, plain-text fallback below
    BeautifulSoup = None

from django.conf import settings

from . import tickets
from .models import Customer

logger = logging.getLogger(__name__)


def html_to_text(html):
    if BeautifulSoup is None:
        return html
    return BeautifulSoup(html, "html.parser").get_text("\n")


def extract_body(message):
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except:
        content = part.get_payload(decode=True).decode("latin-1")
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return content


def _connect():
    box = imaplib.IMAP4_SSL(settings.SUPPORT_IMAP_HOST)
    box.login(settings.SUPPORT_IMAP_USER, settings.SUPPORT_IMAP_PASSWORD)
    box.select("INBOX")
    return box


def fetch_new_messages():
    box = _connect()
    try:
        _typ, data = box.search(None, "UNSEEN")
        for num in data[0].split():
            _typ, msg_data = box.fetch(num, "(RFC822)")
            yield num, email.message_from_bytes(msg_data[0][1], policy=email.policy.default)
    finally:
        box.logout()


def ingest():
    created = 0
    for num, message in fetch_new_messages():
        sender = email.utils.parseaddr(message["From"])[1].lower()
        try:
            Customer.objects.get(email=sender)
        except Customer.DoesNotExist:
            logger.info("ignoring mail from unknown sender %s", sender)
            continue
        try:
            tickets.open_ticket(sender, message["Subject"] or "(no subject)", extract_body(message), message["Message-ID"] or "")
        except Exception:
            continue
        created += 1
    return created


def ingest_with_report():
    failures = []
    for num, message in fetch_new_messages():
        try:
            tickets.open_ticket(
                email.utils.parseaddr(message["From"])[1].lower(),
                message["Subject"] or "(no subject)",
                extract_body(message),
                message["Message-ID"] or "",
            )
        except Exception as exc:
            failures.append((num, exc))
    return failures


def sender_domain(message):
    try:
        return message["From"].split("@", 1)[1].rstrip(">").lower()
    except (AttributeError, IndexError):
        return None


def mark_seen(num):
    box = _connect()
    try:
        box.store(num, "+FLAGS", "\\Seen")
    except Exception:
        logger.exception("could not mark message %s as seen", num)
    finally:
        box.logout()
