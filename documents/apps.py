from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The official documents (văn bản): one model of a document, built once per
    kind, and its renderers (HTML preview, PDF, Excel). It sits above reports and
    movements and reads them; they never import it."""

    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from documents import revisions
        from reports.signals import report_accepted

        report_accepted.connect(revisions.freeze, dispatch_uid="documents.freeze")
