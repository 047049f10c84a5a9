from django import forms

from .models import Category, Report, Ward


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["ward", "category", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [
            (w.pk, f"Ward {w.number} - {w.councillor.name if w.councillor else 'vacant'}")
            for w in Ward.objects.order_by("number")
        ]
        self.fields["category"].choices = [
            (c.pk, f"{c.parent.name} / {c.name}" if c.parent else c.name)
            for c in Category.objects.select_related("parent").order_by("name")
        ]
