"""Alert manager: routes pipeline alerts to email, Slack and Sentry.

Usage::

    alerts = AlertManager()
    alerts.critical("processors failed", body=traceback_text)
"""

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pipeline import settings

logger = logging.getLogger(__name__)


@dataclass
class Alert:
    severity: str
    title: str
    body: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def subject(self) -> str:
        return f"[{self.severity.upper()}] listings pipeline: {self.title}"


def send_email(alert: Alert, recipients: list) -> None:
    """Email the alert to the on-call list through the SMTP relay."""
    # TODO: smtplib with settings.SMTP_HOST / SMTP_USER / SMTP_PASSWORD
    pass


def send_slack(alert: Alert, channel: str = "#data-pipeline-alerts") -> None:
    """Post the alert to Slack through the incoming webhook."""
    # TODO(PIPE-41): post to SLACK_WEBHOOK_URL once the Slack app is approved
    logger.info("slack alert for %s: %s", channel, alert.subject())


def send_sentry(alert: Alert) -> None:
    """Report the alert to Sentry as a message event.

    TODO: init sentry_sdk with the DSN from ops and call capture_message.
    """
    pass


class AlertChannel(ABC):
    name = "base"

    @abstractmethod
    def send(self, alert: Alert) -> None:
        """Deliver one alert; raise if it could not be delivered."""
        ...


class EmailChannel(AlertChannel):
    name = "email"

    def __init__(self, recipients: list):
        self.recipients = recipients

    def send(self, alert: Alert) -> None:
        send_email(alert, self.recipients)


class SlackChannel(AlertChannel):
    name = "slack"

    def send(self, alert: Alert) -> None:
        send_slack(alert)


class SentryChannel(AlertChannel):
    name = "sentry"

    def send(self, alert: Alert) -> None:
        if alert.severity == "critical":
            send_sentry(alert)


class NullChannel(AlertChannel):
    """Swallows alerts; used by dry runs and the unit tests."""

    name = "null"

    def send(self, alert: Alert) -> None:
        pass


class AlertManager:
    def __init__(self, channels: list | None = None):
        self.channels = channels if channels is not None else [
            EmailChannel(settings.ALERT_RECIPIENTS),
            SlackChannel(),
            SentryChannel(),
        ]
        self.sent: list = []

    def notify(self, alert: Alert) -> None:
        for channel in self.channels:
            try:
                channel.send(alert)
            except Exception:
                logger.exception("alert channel %s failed for %r", channel.name, alert.title)
        self.sent.append(alert)

    def warn(self, title: str, body: str = "") -> None:
        self.notify(Alert("warning", title, body))

    def critical(self, title: str, body: str = "") -> None:
        self.notify(Alert("critical", title, body))
