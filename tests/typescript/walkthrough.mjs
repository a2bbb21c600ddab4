// What a walkthrough needs: the client for OCTOPUS_URL, and a summary of the steps reached, the
// failures and every HTTP exchange the client made, printed as JSON on stdout when it ends.

export function recorder() {
    const summary = { ok: false, steps: [], failures: {}, exchanges: [] };
    let currentStep = "configuration";

    const describeError = (error) => ({
        step: currentStep,
        message: error && error.message ? error.message : String(error),
        statusCode: error && typeof error.StatusCode === "number" ? error.StatusCode : null,
    });

    // Prints the summary and exits: 0 when every section worked.
    const finish = () => {
        summary.ok = Object.keys(summary.failures).length === 0;
        process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
        process.exit(summary.ok ? 0 : 1);
    };

    // Runs one named step; the summary records how far the walkthrough got.
    const step = async (name, action) => {
        currentStep = name;
        const result = await action();
        summary.steps.push(name);
        return result;
    };

    return {
        summary,
        step,
        // Runs a section later sections do not need; its failure is recorded and the run goes on.
        async section(name, action) {
            try {
                await action();
            } catch (error) {
                summary.failures[name] = describeError(error);
            }
        },
        // The client for OCTOPUS_URL and OCTOPUS_API_KEY, each of its exchanges logged into the summary.
        async connect(Client, options = {}) {
            const instanceURL = process.env.OCTOPUS_URL;
            const apiKey = process.env.OCTOPUS_API_KEY;
            if (!instanceURL || !apiKey) {
                throw new Error("OCTOPUS_URL and OCTOPUS_API_KEY must be set");
            }
            const client = await step("Client.create", () =>
                Client.create({ instanceURL, apiKey, userAgentApp: "octoclr-conformance", ...options }),
            );
            client.subscribeToResponses("log", (r) => summary.exchanges.push([r.method, r.url, r.statusCode]));
            client.subscribeToErrors("log", (r) =>
                summary.exchanges.push([r.method, r.url, r.statusCode, r.errorMessage ?? null]),
            );
            return client;
        },
        // Runs the walkthrough, then prints the summary and exits.
        run(main) {
            main().then(finish, (error) => {
                summary.failures.walkthrough = describeError(error);
                finish();
            });
        },
    };
}
