"""Machine policies: how deployment targets and workers are health-checked, connected, cleaned
up and updated. A policy still used by a machine or a worker cannot be deleted.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Family
from octoclr.simulator.resources import Collection

MACHINE_POLICIES = Collection(
    "machinepolicies", "MachinePolicies", "MachinePolicies", "MachinePolicy",
    defaults={
        "Name": None, "Description": "", "IsDefault": False,
        "MachineHealthCheckPolicy": {
            "PowerShellHealthCheckPolicy": {"RunType": "Inline", "ScriptBody": "", "ContentType": "Inline"},
            "BashHealthCheckPolicy": {"RunType": "Inline", "ScriptBody": "", "ContentType": "Inline"},
            "HealthCheckInterval": "01:00:00", "HealthCheckCron": None, "HealthCheckCronTimezone": "UTC",
            "HealthCheckType": "RunScript"},
        "MachineConnectivityPolicy": {"MachineConnectivityBehavior": "ExpectedToBeOnline"},
        "MachineCleanupPolicy": {"DeleteMachinesBehavior": "DoNotDelete",
                                 "DeleteMachinesElapsedTimeSpan": "1.00:00:00"},
        "MachineUpdatePolicy": {"CalamariUpdateBehavior": "UpdateOnDeployment",
                                "TentacleUpdateBehavior": "NeverUpdate", "TentacleUpdateAccountId": None},
        "ConnectionRetrySleepInterval": "00:00:01", "ConnectionRetryCountLimit": 5,
        "ConnectionRetryTimeLimit": "00:05:00", "ConnectionConnectTimeout": "00:01:00",
        "PollingRequestQueueTimeout": "00:02:00", "PollingRequestMaximumMessageProcessingTimeout": "00:10:00"},
    links={"Machines": "{self}/machines{?skip,take}", "Workers": "{self}/workers{?skip,take}"},
    blocked_by=(("machines", "MachinePolicyId"), ("workers", "MachinePolicyId")),
)

family = Family("machinepolicies", collections=(MACHINE_POLICIES,))
