// Verifies one webhook delivery with the Standard Webhooks reference library (the npm package
// `standardwebhooks`), an implementation independent of hookme's. For the tests.
//
// Reads one JSON object from standard input:
//   {"secret": "whsec_...", "headers": {"webhook-id": "...", ...}, "body_base64": "..."}
// and writes one line of JSON: {"verified": true} or {"verified": false, "error": "..."}.
// Exit status: 0 verified, 1 not verified, 2 bad input.
"use strict";

const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
    input += chunk;
});
process.stdin.on("end", () => {
    let request;
    try {
        request = JSON.parse(input);
    } catch (error) {
        const answer = { verified: false, error: `bad input: ${error.message}` };
        process.stdout.write(JSON.stringify(answer) + "\n");
        process.exit(2);
    }

    try {
        // The body is given as bytes, so the library sees exactly what was delivered.
        const body = Buffer.from(request.body_base64, "base64");
        new Webhook(request.secret).verify(body, request.headers, { jsonParse: false });
        process.stdout.write(JSON.stringify({ verified: true }) + "\n");
        process.exit(0);
    } catch (error) {
        process.stdout.write(JSON.stringify({ verified: false, error: error.message }) + "\n");
        process.exit(1);
    }
});
