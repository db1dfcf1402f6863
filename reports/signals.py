"""What reports tell the layers above them (documents) without importing them."""

from django.dispatch import Signal

# Sent inside the acceptance's transaction with `report` and `user`: the
# documents layer keeps the report's files as accepted (documents/revisions.py).
report_accepted = Signal()
