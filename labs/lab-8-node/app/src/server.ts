// A small HTTP service on express. `--self-check` starts it on a free loopback
// port, asks it for / over HTTP, prints the answer and exits: the lab's smoke test.
import express from "express";
import type { AddressInfo } from "node:net";

const app = express();
app.get("/", (_request, response) => {
  response.type("text/plain").send(`slimlab node: hello from Node ${process.versions.node.split(".")[0]} and express`);
});

const selfCheck = process.argv.includes("--self-check");
const server = app.listen(selfCheck ? 0 : 8080, selfCheck ? "127.0.0.1" : "0.0.0.0", async () => {
  if (!selfCheck) {
    return; // serve until stopped
  }
  const { port } = server.address() as AddressInfo;
  const answer = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  console.log(`${answer}, answered over HTTP`);
  server.close();
});
