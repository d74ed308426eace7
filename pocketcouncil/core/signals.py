"""Signals other apps send so that apps downstream of them can learn what happened without
being imported (the dependency direction in docs: ``insight`` learns through events).

``resident_contact`` is sent when a resident contacts the council through a page that keeps no
row of its own for every contact (the "Ask us" page). Arguments, all keyword:

- ``council``: the Council contacted;
- ``channel``: a channel name from ``insight.models.Channel`` (for example ``"ask"``);
- ``answered``: whether the page answered the question well (True, False or None);
- ``topic``: the question, already redacted of personal data (may be empty);
"""

from django.dispatch import Signal

resident_contact = Signal()
