import hashlib

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.tests.factories import UserFactory
from reporting.models import QuarterlyReturn, ReturnStatus

CSV = b"period,scope,measure,breakdown,value\n"


class QuarterlyReturnFactory(factory.django.DjangoModelFactory):
    """A generated (draft) return of 2026/27 Q1 with a small stored CSV, PDF and XLSX."""

    class Meta:
        model = QuarterlyReturn

    financial_year = 2026
    quarter = 1
    force = None
    external = False
    version = factory.Sequence(lambda n: n + 1)
    status = ReturnStatus.DRAFT
    progress = 100
    figures = factory.LazyFunction(lambda: {"rows": []})
    generated_by = factory.SubFactory(UserFactory)

    @factory.lazy_attribute
    def csv_file(self):
        return default_storage.save("returns/test/return.csv", ContentFile(CSV))

    csv_sha256 = hashlib.sha256(CSV).hexdigest()
    pdf_file = factory.SelfAttribute("csv_file")
    pdf_sha256 = factory.SelfAttribute("csv_sha256")
    xlsx_file = factory.SelfAttribute("csv_file")
    xlsx_sha256 = factory.SelfAttribute("csv_sha256")
