from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MovementsConfig(AppConfig):
    """Emulation movements (phong trào thi đua): key targets, standings, award lists.

    Above reports (standings read the official series of reports/figures.py) and
    below documents (which prints the award list)."""

    name = "movements"
    verbose_name = _("Emulation movements")
