import logging

from celery import shared_task
from django.db import transaction
from requests import RequestException

from crm.client import CRMClient
from crm.models import Contact, SyncRun

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def push_contact(self, contact_id):
    contact = Contact.objects.get(pk=contact_id)
    try:
        CRMClient().upsert(contact.to_crm())
    except RequestException as exc:
        raise self.retry(exc=exc)


@shared_task
def sync_all_contacts():
    run = SyncRun.objects.create()
    client = CRMClient()
    for contact in Contact.objects.filter(dirty=True).iterator():
        try:
            client.upsert(contact.to_crm())
        except Exception:
            continue
        contact.dirty = False
        contact.save(update_fields=["dirty"])
        run.synced += 1
    run.finish()
    return run.synced


@shared_task
def purge_deleted_contacts():
    ids = list(Contact.objects.filter(deleted=True).values_list("pk", flat=True))
    client = CRMClient()
    purged = 0
    for pk in ids:
        try:
            with transaction.atomic():
                client.delete(pk)
                Contact.objects.filter(pk=pk).delete()
        except Exception:
            logger.warning("could not purge contact %s", pk, exc_info=True)
            continue
        purged += 1
    return purged
