"""Proxies: the HTTP proxies deployment targets and workers connect through; their password is kept.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import Collection

PROXIES = Collection(
    "proxies", "Proxies", "Proxies", "Proxy",
    required=("Name", "Host"),
    defaults={"Name": None, "Host": None, "Port": 80, "ProxyType": "HTTP", "Username": None,
              "Password": {"HasValue": False, "NewValue": None}},
    sensitive=("Password",),
)

family = Family("proxies", collections=(PROXIES,))
