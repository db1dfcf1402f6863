"""The award list of an emulation movement as a download: PDF and Excel
(documents/award_list.py), to whoever sees the movement (404 to anyone else)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from documents import award_list
from movements.standing import get_movement_for_user


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The list changes with every proposal: a cached copy would be out of date.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def movement_awards_pdf(request, pk):
    movement = get_movement_for_user(request.user, pk)
    return _download(
        award_list.award_list_pdf(movement),
        "application/pdf",
        award_list.filename(movement, "pdf"),
    )


@login_required
def movement_awards_xlsx(request, pk):
    movement = get_movement_for_user(request.user, pk)
    return _download(
        award_list.award_list_workbook(movement),
        award_list.XLSX_MIME_TYPE,
        award_list.filename(movement, "xlsx"),
    )
