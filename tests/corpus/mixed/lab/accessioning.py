"""Sample accessioning and aliquoting."""
import logging

from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ChainOfCustodyEvent, Instrument, QCRecord, Result, Run, Sample

logger = logging.getLogger(__name__)


class DuplicateBarcode(Exception):
    pass


def accession(barcode, patient_ref, collected_at, actor):
    if Sample.objects.filter(barcode=barcode).exists():
        raise DuplicateBarcode(barcode)
    sample = Sample.objects.create(barcode=barcode, patient_ref=patient_ref, collected_at=collected_at)
    ChainOfCustodyEvent.objects.create(sample=sample, action="accessioned", actor=actor)
    return sample


def log_custody(sample, action, actor):
    if not Sample.objects.filter(pk=sample.pk, status="received").exists():
        logger.info("custody event %s on sample %s outside reception", action, sample.barcode)
    return ChainOfCustodyEvent.objects.create(sample=sample, action=action, actor=actor)


def take_aliquot(sample_id, actor):
    sample = get_object_or_404(Sample, pk=sample_id)
    if sample.aliquots_remaining == 0:
        raise ValueError("no aliquots left")
    sample.aliquots_remaining -= 1
    sample.save()
    ChainOfCustodyEvent.objects.create(sample=sample, action="aliquot", actor=actor)


def take_aliquot_locked(sample_id, actor):
    with transaction.atomic():
        sample = Sample.objects.select_for_update().get(pk=sample_id)
        if sample.aliquots_remaining == 0:
            raise ValueError("no aliquots left")
        sample.aliquots_remaining -= 1
        sample.save(update_fields=["aliquots_remaining"])
        ChainOfCustodyEvent.objects.create(sample=sample, action="aliquot", actor=actor)


def start_run(instrument_serial, plate_id):
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().get(serial=instrument_serial)
        if Run.objects.filter(instrument=instrument, plate_id=plate_id).exists():
            return Run.objects.get(instrument=instrument, plate_id=plate_id)
        run = Run.objects.create(instrument=instrument, plate_id=plate_id)
        instrument.runs_since_calibration += 1
        instrument.save(update_fields=["runs_since_calibration"])
    return run


def record_qc(instrument_id, passed):
    qc = QCRecord.objects.filter(instrument_id=instrument_id, day=timezone.localdate()).first()
    if qc is None:
        qc = QCRecord.objects.create(instrument_id=instrument_id, day=timezone.localdate())
    if passed:
        QCRecord.objects.filter(pk=qc.pk).update(passes=F("passes") + 1)
    else:
        qc.failures = qc.failures + 1
        qc.save(update_fields=["failures"])
    return qc


def store_result(sample, run, analyte, value, unit):
    existing = Result.objects.filter(sample=sample, analyte=analyte).first()
    if existing is not None:
        logger.warning("replacing %s result for %s", analyte, sample.barcode)
        Result.objects.filter(pk=existing.pk).update(run=run, value=value, unit=unit)
        return existing
    return Result.objects.create(sample=sample, run=run, analyte=analyte, value=value, unit=unit)


def release_sample(sample_id):
    updated = Sample.objects.filter(pk=sample_id, status="analysed").update(status="released")
    if not updated:
        raise ValueError("sample is not ready for release")
