from django.db import models


class Instrument(models.Model):
    serial = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=40)
    runs_since_calibration = models.PositiveIntegerField(default=0)
    calibration_interval_runs = models.PositiveIntegerField(default=500)


class Sample(models.Model):
    barcode = models.CharField(max_length=32, db_index=True)
    patient_ref = models.CharField(max_length=64)
    collected_at = models.DateTimeField()
    aliquots_remaining = models.PositiveSmallIntegerField(default=4)
    status = models.CharField(max_length=20, default="received")


class Run(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    plate_id = models.CharField(max_length=40)


class Result(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="results")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    analyte = models.CharField(max_length=40)
    value = models.FloatField()
    unit = models.CharField(max_length=16)
    flagged = models.BooleanField(default=False)


class QCRecord(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="qc_records")
    day = models.DateField()
    failures = models.PositiveIntegerField(default=0)
    passes = models.PositiveIntegerField(default=0)


class ChainOfCustodyEvent(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="custody_events")
    action = models.CharField(max_length=40)
    actor = models.CharField(max_length=80)
    at = models.DateTimeField(auto_now_add=True)
