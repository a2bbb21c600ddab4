"""Server configuration documents, their sections, maintenance mode, each user's dashboard
configuration and the licence; the server about itself (status, system info, logs, nodes, scheduler)."""

from __future__ import annotations

import io
import zipfile

import httpx

from tests.simulator.conftest import error_of, put


def test_a_document_starts_from_the_defaults_and_keeps_what_is_put(api: httpx.Client) -> None:
    upgrade = api.get("/api/upgradeconfiguration").json()
    assert upgrade["NotificationMode"] == "AlwaysShow" and upgrade["LastModifiedOn"] is None
    assert api.get(upgrade["Links"]["Values"]).json()["NotificationMode"] == "AlwaysShow"
    saved = put(api, upgrade["Links"]["Self"], {**upgrade, "NotificationMode": "NeverShow", "AllowChecking": False})
    assert saved.status_code == 200, saved.text
    assert saved.json()["LastModifiedBy"] and saved.json()["LastModifiedOn"]
    again = api.get("/api/upgradeconfiguration").json()
    assert again["NotificationMode"] == "NeverShow" and again["AllowChecking"] is False
    section = api.get("/api/configuration/upgrade").json()
    assert section["LastModifiedOn"] == again["LastModifiedOn"]


def test_a_document_refuses_unknown_settings_and_wrong_types(api: httpx.Client) -> None:
    wrong = put(api, "/api/upgradeconfiguration", {"AllowChecking": "yes", "Colour": "blue"})
    assert wrong.status_code == 400
    errors = error_of(wrong)["Errors"]
    assert any("AllowChecking" in e for e in errors) and any("Colour" in e for e in errors)
    port = put(api, "/api/smtpconfiguration", {"SmtpPort": True})
    assert port.status_code == 400 and any("SmtpPort" in e for e in error_of(port)["Errors"])
    assert api.get("/api/upgradeconfiguration").json()["AllowChecking"] is True, "nothing was kept"


def test_the_smtp_password_is_kept_and_never_sent_back(api: httpx.Client) -> None:
    assert api.get("/api/smtpconfiguration/isconfigured").json()["IsConfigured"] is False
    smtp = api.get("/api/smtpconfiguration").json()
    smtp.update(SmtpHost="mail.example.com", SendEmailFrom="octopus@example.com", SmtpLogin="octo",
                SmtpPassword={"HasValue": True, "NewValue": "hunter2-secret"})
    saved = put(api, "/api/smtpconfiguration", smtp)
    assert saved.status_code == 200, saved.text
    assert saved.json()["SmtpPassword"] == {"HasValue": True, "NewValue": None}
    assert "hunter2-secret" not in saved.text
    for url in ("/api/smtpconfiguration", "/api/configuration/smtp/values", "/api/serverconfiguration/settings"):
        assert "hunter2-secret" not in api.get(url).text, url
    # A later change without a new value keeps the password.
    kept = api.get("/api/smtpconfiguration").json()
    kept["SmtpPort"] = 587
    assert put(api, "/api/smtpconfiguration", kept).json()["SmtpPassword"]["HasValue"] is True
    assert api.get("/api/smtpconfiguration/isconfigured").json()["IsConfigured"] is True
    # HasValue false clears it.
    kept["SmtpPassword"] = {"HasValue": False, "NewValue": None}
    assert put(api, "/api/smtpconfiguration", kept).json()["SmtpPassword"]["HasValue"] is False


def test_sections_list_the_documents_and_their_links_resolve(api: httpx.Client) -> None:
    page = api.get("/api/configuration").json()
    ids = {item["Id"] for item in page["Items"]}
    assert {"maintenance", "smtp", "upgrade", "features", "server"} <= ids
    for item in page["Items"]:
        for link in item["Links"].values():
            assert api.get(link).status_code == 200, link
    metadata = api.get("/api/configuration/smtp/metadata").json()
    kinds = {p["Name"]: p["Type"] for p in metadata["Types"][0]["Properties"]}
    assert kinds["SmtpPassword"] == "sensitive" and kinds["SmtpPort"] == "int"
    through_section = put(api, "/api/configuration/features/values", {"IsHelpSidebarEnabled": False})
    assert through_section.status_code == 200
    assert api.get("/api/featuresconfiguration").json()["IsHelpSidebarEnabled"] is False
    missing = api.get("/api/configuration/nosuchsection")
    assert missing.status_code == 404 and "nosuchsection" in error_of(missing)["ErrorMessage"]


def test_settings_list_every_document_with_secrets_masked(api: httpx.Client) -> None:
    sets = {s["ConfigurationSet"]: s["ConfigurationValues"] for s in api.get("/api/serverconfiguration/settings").json()}
    smtp = {v["Key"]: v for v in sets["SMTP"]}
    assert smtp["Octopus.smtp.SmtpPassword"]["IsSensitive"] is True
    assert smtp["Octopus.smtp.SmtpPassword"]["Value"] == "*****"


def test_only_administrators_change_configuration(plain_user: httpx.Client) -> None:
    assert plain_user.get("/api/upgradeconfiguration").status_code == 200
    refused = put(plain_user, "/api/upgradeconfiguration", {"NotificationMode": "NeverShow"})
    assert refused.status_code == 403
    assert plain_user.get("/api/serverconfiguration/settings").status_code == 403


def test_maintenance_mode_shows_in_the_status_and_stops_other_users_changing_things(
        api: httpx.Client, plain_user: httpx.Client) -> None:
    assert api.get("/api/serverstatus").json()["IsInMaintenanceMode"] is False
    assert put(api, "/api/maintenanceconfiguration", {"IsInMaintenanceMode": True}).status_code == 200
    assert api.get("/api/serverstatus").json()["IsInMaintenanceMode"] is True
    refused = plain_user.post("/api/Spaces-1/environments", json={"Name": "During maintenance"})
    assert refused.status_code == 403 and "maintenance" in error_of(refused)["ErrorMessage"]
    assert plain_user.get("/api/Spaces-1/environments").status_code == 200, "reading still works"
    assert api.post("/api/Spaces-1/environments", json={"Name": "Admin's"}).status_code == 201
    put(api, "/api/maintenanceconfiguration", {"IsInMaintenanceMode": False})
    assert plain_user.post("/api/Spaces-1/environments", json={"Name": "After"}).status_code == 201


def test_the_dashboard_follows_the_users_dashboard_configuration(api: httpx.Client) -> None:
    everything = api.get("/api/Spaces-1/dashboard").json()
    project_ids = {p["Id"] for p in everything["Projects"]}
    assert len(project_ids) >= 2, "the demo seed has several projects"
    chosen = sorted(project_ids)[0]
    config = api.get("/api/Spaces-1/dashboardconfiguration").json()
    assert config["IncludedProjectIds"] == [] and config["Links"]["Self"] == "/api/Spaces-1/dashboardconfiguration"
    saved = put(api, config["Links"]["Self"], {**config, "IncludedProjectIds": [chosen]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["IncludedProjectIds"] == [chosen]
    narrowed = api.get("/api/Spaces-1/dashboard").json()
    assert {p["Id"] for p in narrowed["Projects"]} == {chosen}
    assert {i["ProjectId"] for i in narrowed["Items"]} <= {chosen}
    named = api.get("/api/Spaces-1/dashboard", params={"projectId": sorted(project_ids)[1]}).json()
    assert {p["Id"] for p in named["Projects"]} == {sorted(project_ids)[1]}, "a request's own projects win"


def test_a_dashboard_configuration_refuses_what_does_not_exist(api: httpx.Client) -> None:
    bad = put(api, "/api/Spaces-1/dashboardconfiguration", {"IncludedProjectIds": ["Projects-999"],
                                                            "ProjectLimit": -1})
    assert bad.status_code == 400
    errors = " ".join(error_of(bad)["Errors"])
    assert "Projects-999" in errors and "ProjectLimit" in errors


def test_the_licence_is_kept_and_the_status_counts_what_the_server_holds(api: httpx.Client) -> None:
    assert put(api, "/api/licenses/licenses-current", {"LicenseText": "  "}).status_code == 400
    saved = put(api, "/api/licenses/licenses-current", {"LicenseText": "<License>simulated</License>"})
    assert saved.status_code == 200, saved.text
    licence = api.get("/api/licenses/licenses-current").json()
    assert licence["LicenseText"] == "<License>simulated</License>" and licence["SerialNumber"]
    status = api.get(licence["Links"]["Status"]).json()
    assert status["IsCompliant"] is True
    limits = {limit["Name"]: limit["CurrentUsage"] for limit in status["Limits"]}
    before = limits["Projects"]
    group = api.get("/api/Spaces-1/projectgroups/all").json()[0]["Id"]
    lifecycle = api.get("/api/Spaces-1/lifecycles/all").json()[0]["Id"]
    assert api.post("/api/Spaces-1/projects", json={"Name": "Counted", "ProjectGroupId": group,
                                                     "LifecycleId": lifecycle}).status_code == 201
    after = {limit["Name"]: limit["CurrentUsage"] for limit in api.get(licence["Links"]["Status"]).json()["Limits"]}
    assert after["Projects"] == before + 1


# --- the server about itself ------------------------------------------------------------------

def test_the_status_links_resolve(api: httpx.Client, anonymous: httpx.Client) -> None:
    status = api.get("/api/serverstatus").json()
    for name, link in status["Links"].items():
        assert api.get(link).status_code == 200, name
    health = anonymous.get("/api/serverstatus/health")
    assert health.status_code == 200 and health.json()["IsOperatingNormally"] is True


def test_system_info_and_report_describe_the_running_process(api: httpx.Client) -> None:
    info = api.get("/api/serverstatus/system-info").json()
    assert info["Version"] == api.get("/api").json()["Version"]
    assert info["ThreadCount"] >= 1 and info["ProcessorCount"] >= 1 and "Python" in info["Runtime"]
    report = api.get("/api/serverstatus/system-report")
    assert report.status_code == 200 and report.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
        assert {"system-info.json", "server.log"} <= set(archive.namelist())


def test_timezones_include_utc(api: httpx.Client) -> None:
    zones = {z["Id"] for z in api.get("/api/serverstatus/timezones").json()}
    assert "UTC" in zones


def test_system_information_is_for_administrators(plain_user: httpx.Client) -> None:
    for url in ("/api/serverstatus/system-info", "/api/serverstatus/logs", "/api/scheduler"):
        assert plain_user.get(url).status_code == 403, url


def test_the_one_node_reports_its_running_tasks(api: httpx.Client, anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/octopusservernodes/ping").text == "Pong"
    summary = api.get("/api/octopusservernodes/summary").json()
    (node,) = summary["Nodes"]
    assert node["IsOffline"] is False and isinstance(node["RunningTaskCount"], int)
    details = api.get(f"/api/octopusservernodes/{node['Id']}/details")
    assert details.status_code == 200 and details.json()["Id"] == node["Id"]
    assert api.get("/api/octopusservernodes/OctopusServerNodes-nope/details").status_code == 404


def test_the_scheduler_switches_and_records_the_jobs_run(api: httpx.Client) -> None:
    status = api.get("/api/scheduler").json()
    assert status["IsRunning"] is True
    assert api.get(status["Links"]["Stop"]).json()["IsRunning"] is False
    assert api.get("/api/scheduler").json()["IsRunning"] is False
    assert api.get(status["Links"]["Start"]).json()["IsRunning"] is True
    ran = api.get("/api/scheduler/trigger", params={"job": "retention"}).json()
    retention = next(t for t in ran["TaskStatus"] if t["Name"] == "Retention")
    assert retention["LastRun"]
    logs = api.get(retention["Links"]["Logs"]).json()
    assert len(logs["ActivityLog"]["LogElements"]) == 1
    assert "Retention ran" in api.get(retention["Links"]["Raw"]).text
    unknown = api.get("/api/scheduler/trigger", params={"job": "Nope"})
    assert unknown.status_code == 404 and "Retention" in error_of(unknown)["ErrorMessage"]
    assert "The scheduler was stopped" in api.get("/api/serverstatus/logs").text
