// Drives an Octopus Server's feeds and built-in package repository through the official TypeScript
// client, @octopusdeploy/api-client, and prints a JSON summary of what it saw on stdout.
//
// Environment: OCTOPUS_URL and OCTOPUS_API_KEY; OCTOPUS_RUN_ID keeps names unique across runs.
// The client packs a NuGet package and a zip package itself (its own NuGetPackageBuilder and
// ZipPackageBuilder), pushes them with each overwrite mode, lists and gets them, and follows the
// built-in feed's version-search link. Exit status 0 with {"ok": true} when every step worked.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import octopus from "@octopusdeploy/api-client";

const { Client, NuGetPackageBuilder, OverwriteMode, PackageRepository, SpaceRepository, ZipPackageBuilder, spaceScopedRoutePrefix } =
    octopus;

const instanceURL = process.env.OCTOPUS_URL;
const apiKey = process.env.OCTOPUS_API_KEY;
const runId = process.env.OCTOPUS_RUN_ID || String(process.pid);

const summary = { ok: false, steps: [], failures: {}, exchanges: [] };
let currentStep = "configuration";

async function step(name, action) {
    currentStep = name;
    const result = await action();
    summary.steps.push(name);
    return result;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function main() {
    if (!instanceURL || !apiKey) throw new Error("OCTOPUS_URL and OCTOPUS_API_KEY must be set");
    const client = await step("Client.create", () =>
        Client.create({ instanceURL, apiKey, userAgentApp: "octoclr-conformance", logging: quiet }),
    );
    client.subscribeToResponses("log", (r) => summary.exchanges.push([r.method, r.url, r.statusCode]));
    client.subscribeToErrors("log", (r) => summary.exchanges.push([r.method, r.url, r.statusCode, r.errorMessage ?? null]));

    const spaces = await step("spaces.list", () => new SpaceRepository(client).list({ skip: 0, take: 100 }));
    const spaceName = spaces.Items.find((s) => s.IsDefault).Name;

    // The client's feed repository is not exported from the package root in 3.x: its own route, by hand.
    const builtIn = await step("feeds.list(BuiltIn)", () =>
        client.request(`${spaceScopedRoutePrefix}/feeds{?feedType}`, { spaceName, feedType: "BuiltIn" }));
    const feed = builtIn.Items[0];
    summary.feed = { id: feed.Id, type: feed.FeedType, links: Object.keys(feed.Links) };

    // Package files made by the client's own builders.
    const work = mkdtempSync(path.join(tmpdir(), "octoclr-ts-"));
    writeFileSync(path.join(work, "app.txt"), `built for run ${runId}\n`);
    const packageId = `TsClient.App${runId}`;
    const nupkg = await step("NuGetPackageBuilder.pack", () =>
        new NuGetPackageBuilder().pack({
            packageId, version: "1.0.0", basePath: work, inputFilePatterns: ["app.txt"], outputFolder: work,
            logger: quiet, nuspecArgs: { description: "Packed by the TypeScript client", authors: ["octoclr"],
                                         releaseNotes: "First" },
        }),
    );
    const zip = await step("ZipPackageBuilder.pack", () =>
        new ZipPackageBuilder().pack({
            packageId, version: "1.1.0", basePath: work, inputFilePatterns: ["app.txt"], outputFolder: work, logger: quiet,
        }),
    );

    const packages = new PackageRepository(client, spaceName);
    await step("packages.push", () =>
        packages.push([path.join(work, nupkg), path.join(work, zip)], OverwriteMode.FailIfExists));
    try {
        await packages.push([path.join(work, zip)], OverwriteMode.FailIfExists);
        summary.duplicateRefused = false;
    } catch (error) {
        summary.duplicateRefused = true;
        summary.duplicateMessage = String(error && error.message);
    }
    await step("packages.push(IgnoreIfExists)", () => packages.push([path.join(work, zip)], OverwriteMode.IgnoreIfExists));
    await step("packages.push(OverwriteExisting)", () =>
        packages.push([path.join(work, zip)], OverwriteMode.OverwriteExisting));

    const listed = await step("packages.list", () => packages.list({ nuGetPackageId: packageId, skip: 0, take: 30 }));
    summary.listed = listed.Items.map((p) => ({ id: p.Id, version: p.Version, extension: p.FileExtension }));
    const fetched = await step("packages.get", () => packages.get(`packages-${packageId}.1.0.0`));
    summary.fetched = { id: fetched.Id, packageId: fetched.PackageId, version: fetched.Version,
                        releaseNotes: fetched.ReleaseNotes, title: fetched.Title };

    const versions = await step("feed.SearchPackageVersionsTemplate", () =>
        client.request(feed.Links.SearchPackageVersionsTemplate, { packageId }));
    summary.versions = versions.Items.map((v) => v.Version);
    summary.ok = Object.keys(summary.failures).length === 0;
}

main().then(
    () => {
        process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
        process.exit(summary.ok ? 0 : 1);
    },
    (error) => {
        summary.failures[currentStep] = { step: currentStep, message: error && error.message ? error.message : String(error) };
        process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
        process.exit(1);
    },
);
