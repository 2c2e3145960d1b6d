"""In-app notifications. Other delivery channels are plugged in (notifications.channels)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    # e.g. "referral.status", "referral.reminder", "referral.new_urgent"
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # "<kind>:<id>" of the record this notification is about, when its text is rendered
    # live from that record (notifications.live) instead of being copied into `body`:
    # withdrawing or erasing the record then removes the text from every notification.
    ref = models.CharField(max_length=60, blank=True, db_index=True, editable=False)
    # Worded again in the reader's language when shown (notifications.messages).
    message_key = models.CharField(max_length=60, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What a background task sent, e.g. "referral.new_urgent:<referral>:<user>": a task run
    # twice (a worker killed before it acknowledged the task) finds it and sends nothing.
    once_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    # Set by notifications.live.render for display (the record's text, live).
    live_title: str
    live_body: str

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def _worded(self) -> tuple[str, str]:
        from .messages import render

        worded = render(self.message_key, self.message_params) if self.message_key else None
        return worded or (self.title, self.body)

    @property
    def shown_title(self) -> str:
        """The title in the language of whoever reads it now."""
        return self._worded()[0]

    @property
    def shown_body(self) -> str:
        return self._worded()[1]
