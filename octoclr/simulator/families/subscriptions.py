"""Subscriptions: which events are sent to whom (email, webhook), and how often.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import PAGING, Collection

SUBSCRIPTIONS = Collection(
    "subscriptions", "Subscriptions", "Subscriptions", "Subscription",
    query=PAGING + ("spaces",),
    defaults={"Name": None, "Type": "Event", "IsDisabled": False,
              "EventNotificationSubscription": {"Filter": {}, "EmailTeams": [], "EmailFrequencyPeriod": "01:00:00",
                                                "EmailPriority": "Normal", "EmailDigestLastProcessed": None,
                                                "WebhookURI": None, "WebhookTeams": [], "WebhookTimeout": "00:00:10",
                                                "WebhookHeaderKey": None, "WebhookHeaderValue": None}},
)

family = Family("subscriptions", collections=(SUBSCRIPTIONS,))
