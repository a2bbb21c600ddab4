"""Accounts: every account type's secret fields are kept by the server and never sent back.

Octopus.Client's account models (``Model/Accounts``) carry their secrets as SensitiveValues:
a username/password account its ``Password``, a token account its ``Token``, an AWS account
its ``SecretKey``, an Azure service principal its ``Password`` (``ClientSecret`` in newer
servers), an Azure management-certificate account its ``CertificateBytes``, a Google Cloud
account its ``JsonKey``, an SSH key pair its ``PrivateKeyFile`` and ``PrivateKeyPassphrase``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families.base import Call, Family
from octoclr.simulator.resources import PAGING, Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

#: The AccountType values of Octopus.Client's AccountType enum a simulator account may have.
ACCOUNT_TYPES = (
    "None", "UsernamePassword", "SshKeyPair", "AzureSubscription", "AzureServicePrincipal", "AzureOIDC",
    "AmazonWebServicesAccount", "AmazonWebServicesRoleAccount", "AmazonWebServicesOidcAccount", "Token",
    "GoogleCloudAccount", "GoogleCloudOidcAccount", "GenericOidcAccount",
)

ACCOUNTS = Collection(
    "accounts", "Accounts", "Accounts", "Account",
    query=PAGING + ("accountType",),
    required=("Name", "AccountType"),
    references={"EnvironmentIds": "environments", "TenantIds": "tenants"},
    defaults={"Name": None, "AccountType": None, "Description": "", "EnvironmentIds": [],
              "TenantedDeploymentParticipation": "Untenanted", "TenantIds": [], "TenantTags": []},
    links={"Usages": "{self}/usages", "Web": "/app#/{space}/infrastructure/accounts/{id}"},
    filters={"accountType": "AccountType"},
    sensitive=("Password", "Token", "ApiKey", "SecretKey", "ClientSecret", "CertificateBytes", "JsonKey",
               "PrivateKeyFile", "PrivateKeyPassphrase"),
)

family = Family("accounts", collections=(ACCOUNTS,))


def _check_type(account: dict[str, Any]) -> None:
    kind = account.get("AccountType")
    if isinstance(kind, str) and kind not in ACCOUNT_TYPES:
        raise validation_failed([f"AccountType '{kind}' is not an account type; use one of {', '.join(ACCOUNT_TYPES)}."])


@family.hook("before_create", "accounts")
def _new_account(backend: "Backend", account: dict[str, Any], actor: Optional[str]) -> None:
    _check_type(account)


@family.hook("before_modify", "accounts")
def _changed_account(backend: "Backend", account: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    _check_type(account)
    if account.get("AccountType") != stored.get("AccountType"):
        raise validation_failed(["The type of an account cannot be changed; create a new account instead."])


@family.route("GET", "accounts/{id}/usages")
async def usages(call: "Call") -> Any:
    """Where the account is used; the simulator runs no steps, so no target or step refers to one."""
    account = call.backend.find(ACCOUNTS, call.params["id"], call.space_id)
    return {"TargetUsages": [], "DeploymentProcesses": [], "LibraryVariableSets": [], "ProjectVariableSets": [],
            "Releases": [], "RunbookProcesses": [], "RunbookSnapshots": [],
            "Links": {"Self": f"{account['Links']['Self']}/usages"}}
