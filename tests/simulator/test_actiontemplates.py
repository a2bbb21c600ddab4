"""Step templates: versions, usage, bringing actions up to date, search and categories, community templates."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import delete, error_of, put

PROCESS = "/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1"


def _template(api: httpx.Client, **extra: object) -> dict:
    body = {"Name": "Say hello", "ActionType": "Octopus.Script", "Description": "Greets",
            "Properties": {"Octopus.Action.Script.ScriptBody": "echo hello #{Greeting}",
                           "Octopus.Action.Script.Syntax": "Bash"},
            "Parameters": [{"Name": "Greeting", "Label": "Greeting", "DefaultValue": "world"}], **extra}
    created = api.post("/api/Spaces-1/actiontemplates", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def _use(api: httpx.Client, template: dict, **properties: str) -> dict:
    """A step in Projects-1's deployment process that uses the template."""
    process = api.get(PROCESS).json()
    process["Steps"] = [{"Name": "Greet", "Properties": {"Octopus.Action.TargetRoles": "web-server"}, "Actions": [
        {"Name": "Greet", "ActionType": "Octopus.Script", "Properties": {
            **template["Properties"], "Octopus.Action.Template.Id": template["Id"],
            "Octopus.Action.Template.Version": str(template["Version"]), **properties}}]}]
    saved = put(api, PROCESS, process)
    assert saved.status_code == 200, saved.text
    return saved.json()


def test_each_change_is_a_new_version_and_old_ones_are_kept(api: httpx.Client) -> None:
    template = _template(api, Version=7)
    assert template["Version"] == 0, "the server numbers versions"
    changed = put(api, template["Links"]["Self"], {**template, "Description": "Greets politely"}).json()
    assert changed["Version"] == 1
    same = put(api, template["Links"]["Self"], {**changed, "Version": 40}).json()
    assert same["Version"] == 1, "saving without a change is not a new version"
    versions_link = changed["Links"]["Versions"]
    assert versions_link.endswith("/versions/{version}")
    first = api.get(versions_link.replace("{version}", "0")).json()
    assert first["Version"] == 0 and first["Description"] == "Greets" and first["Id"] == template["Id"]
    assert api.get(versions_link.replace("{version}", "1")).json()["Description"] == "Greets politely"
    listed = api.get(versions_link.replace("/{version}", "")).json()
    assert [t["Version"] for t in listed["Items"]] == [1, 0]
    missing = api.get(versions_link.replace("{version}", "5"))
    assert missing.status_code == 404 and "version 5" in error_of(missing)["ErrorMessage"]


def test_usage_lists_the_actions_that_use_a_template(api: httpx.Client) -> None:
    template = _template(api)
    assert api.get(template["Links"]["Usage"]).json() == []
    process = _use(api, template)
    (usage,) = api.get(template["Links"]["Usage"]).json()
    action = process["Steps"][0]["Actions"][0]
    assert usage["ActionId"] == action["Id"] and usage["StepName"] == "Greet"
    assert usage["ProjectId"] == "Projects-1" and usage["ProjectName"] and usage["ProcessType"] == "Deployment"
    assert usage["DeploymentProcessId"] == process["Id"] and usage["Version"] == "0"
    for link in usage["Links"].values():
        assert api.get(link).status_code == 200, link
    refused = delete(api, template["Links"]["Self"])
    assert refused.status_code == 400 and "Greet" in error_of(refused)["ErrorMessage"]


def test_actions_update_brings_an_action_to_the_current_version(api: httpx.Client) -> None:
    template = _template(api)
    process = _use(api, template, Greeting="there")
    action_id = process["Steps"][0]["Actions"][0]["Id"]
    template = put(api, template["Links"]["Self"], {
        **template, "Properties": {**template["Properties"], "Octopus.Action.Script.ScriptBody": "echo hi #{Greeting} #{Mood}"},
        "Parameters": [{"Name": "Greeting", "DefaultValue": "world"}, {"Name": "Mood", "DefaultValue": "cheerful"}]}).json()
    stale = api.post(template["Links"]["ActionsUpdate"], json={
        "Version": 0, "ActionIdsByProcessId": {process["Id"]: [action_id]}})
    assert stale.status_code == 400, "the update names the template's current version"
    result = api.post(template["Links"]["ActionsUpdate"], json={
        "Version": template["Version"], "ActionsToUpdate": [
            {"ProcessId": process["Id"], "ProcessType": "Deployment", "ActionIds": [action_id]}],
        "Overrides": {}, "DefaultPropertyValues": {}})
    assert result.status_code == 200, result.text
    assert [(r["Id"], r["Outcome"]) for r in result.json()] == [(action_id, "Success")]
    properties = api.get(PROCESS).json()["Steps"][0]["Actions"][0]["Properties"]
    assert properties["Octopus.Action.Script.ScriptBody"] == "echo hi #{Greeting} #{Mood}"
    assert properties["Greeting"] == "there", "the action keeps its own value"
    assert properties["Mood"] == "cheerful", "a new parameter takes its default"
    assert properties["Octopus.Action.Template.Version"] == "1"
    assert api.get(template["Links"]["Usage"]).json()[0]["Version"] == "1"


def test_actions_update_reports_a_new_parameter_without_a_value(api: httpx.Client) -> None:
    template = _template(api)
    process = _use(api, template)
    action_id = process["Steps"][0]["Actions"][0]["Id"]
    template = put(api, template["Links"]["Self"], {**template, "Parameters": [
        *template["Parameters"], {"Name": "Colour", "DefaultValue": ""}]}).json()
    body = {"Version": template["Version"], "ActionIdsByProcessId": {process["Id"]: [action_id]}}
    (result,) = api.post(template["Links"]["ActionsUpdate"], json=body).json()
    assert result["Outcome"] == "DefaultParamterValueMissing"
    assert result["NamesOfNewParametersMissingDefaultValue"] == ["Colour"]
    assert api.get(PROCESS).json()["Steps"][0]["Actions"][0]["Properties"]["Octopus.Action.Template.Version"] == "0"
    (result,) = api.post(template["Links"]["ActionsUpdate"], json={**body, "Overrides": {"Colour": "blue"}}).json()
    assert result["Outcome"] == "Success"
    assert api.get(PROCESS).json()["Steps"][0]["Actions"][0]["Properties"]["Colour"] == "blue"
    unknown = api.post(template["Links"]["ActionsUpdate"], json={
        "Version": template["Version"], "ActionIdsByProcessId": {process["Id"]: ["no-such-action"]}})
    assert unknown.status_code == 404 and "no-such-action" in error_of(unknown)["ErrorMessage"]


def test_search_and_categories_list_what_can_be_added_as_a_step(api: httpx.Client) -> None:
    template = _template(api)
    found = api.get("/api/Spaces-1/actiontemplates/search").json()
    by_name = {entry["Name"]: entry for entry in found}
    assert by_name["Run a Script"]["IsBuiltIn"] is True
    assert by_name["Say hello"]["IsInstalled"] is True and by_name["Say hello"]["Id"] == template["Id"]
    community = by_name["Check a URL answers"]
    assert community["IsInstalled"] is False and community["CommunityActionTemplateId"] == "CommunityActionTemplates-1"
    categories = api.get("/api/Spaces-1/actiontemplates/categories").json()
    names = [c["Name"] for c in categories]
    assert {"Script", "Library"} <= set(names) and [c["DisplayOrder"] for c in categories] == list(range(len(names)))
    assert set(names) == {entry["Category"] for entry in found}


def test_a_community_template_installs_into_a_space_and_updates(api: httpx.Client) -> None:
    community = api.get("/api/communityactiontemplates/CommunityActionTemplates-1").json()
    assert community["Version"] == 3 and community["Links"]["Installation"].endswith("/installation{/spaceId}")
    not_yet = api.get("/api/communityactiontemplates/CommunityActionTemplates-1/actiontemplate/Spaces-2")
    assert not_yet.status_code == 404 and "not installed" in error_of(not_yet)["ErrorMessage"]
    installed = api.post("/api/communityactiontemplates/CommunityActionTemplates-1/installation/Spaces-2")
    assert installed.status_code == 201, installed.text
    template = installed.json()
    assert template["SpaceId"] == "Spaces-2" and template["CommunityActionTemplateId"] == community["Id"]
    assert [p["Name"] for p in template["Parameters"]] == ["CheckUrl", "ExpectedStatus"]
    again = api.post("/api/communityactiontemplates/CommunityActionTemplates-1/installation/Spaces-2")
    assert again.status_code == 400
    got = api.get("/api/communityactiontemplates/CommunityActionTemplates-1/actiontemplate/Spaces-2").json()
    assert got["Id"] == template["Id"]
    search = {e["Name"]: e for e in api.get("/api/Spaces-2/actiontemplates/search").json()}
    assert search["Check a URL answers"]["IsInstalled"] is True and search["Check a URL answers"]["HasUpdate"] is False
    assert template["Version"] == community["Version"], "an installed copy starts at the community version"
    updated = api.put("/api/communityactiontemplates/CommunityActionTemplates-1/installation/Spaces-2")
    assert updated.status_code == 200 and updated.json()["Id"] == template["Id"]
    # Not installed in the default space: that one is separate.
    assert api.get("/api/communityactiontemplates/CommunityActionTemplates-1/actiontemplate").status_code == 404
    missing = api.post("/api/communityactiontemplates/CommunityActionTemplates-99/installation")
    assert missing.status_code == 404 and "CommunityActionTemplates-99" in error_of(missing)["ErrorMessage"]
