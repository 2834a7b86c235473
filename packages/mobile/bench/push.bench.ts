// Push throughput: sends per second through PushNotificationManager with the in-process log transport (next to a raw
// loop awaiting the same transport), and with the FCM transport against a local HTTP server standing in for FCM and
// its token endpoint (next to raw fetch POSTs of the same body at the same concurrency).
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createFcmTransport,
  createLogPushTransport,
  type PushMessage,
  PushNotificationManager,
} from "../src/server/index";

const LOG_DEVICES = 10_000;
const FCM_SENDS = 2_000;
const CONCURRENCY = 16;

async function logTransportRow(): Promise<string> {
  const log = createLogPushTransport({ maxEntries: 100 });
  const push = new PushNotificationManager({ transports: { log }, maxConcurrency: CONCURRENCY });
  const ids = Array.from({ length: LOG_DEVICES }, (_, index) => `device-${index}`);
  for (const id of ids) await push.registerDevice(id, `token-${id}`);
  const start = performance.now();
  const report = await push.sendToDevices(ids, { title: "Alert", message: "Important update" });
  const managerMs = performance.now() - start;
  if (report.delivered !== LOG_DEVICES) throw new Error("log benchmark lost deliveries");

  // Raw: the same transport called in a plain loop, no registry, validation, retry, log or events.
  const devices = await push.listDevices();
  const notification = { title: "Alert", body: "Important update", ttlMs: 0, priority: "normal" } as const;
  const signal = new AbortController().signal;
  const rawStart = performance.now();
  for (const device of devices) {
    const message: PushMessage = { device, notification, notificationId: "raw" };
    await log.send(message, signal);
  }
  const rawMs = performance.now() - rawStart;
  return row("log transport, sendToDevices", LOG_DEVICES, managerMs, rawMs);
}

async function fcmRow(): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  let counter = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      counter += 1;
      const body =
        request.url === "/token"
          ? { access_token: "ya29.bench", expires_in: 3_599, token_type: "Bearer" }
          : { name: `projects/bench/messages/0:${counter}` };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const fcm = createFcmTransport({
      serviceAccount: {
        project_id: "bench",
        client_email: "bench@bench",
        private_key: privateKey,
        token_uri: `${origin}/token`,
      },
      endpoint: `${origin}/`,
    });
    const push = new PushNotificationManager({ transports: { fcm }, maxConcurrency: CONCURRENCY });
    const ids = Array.from({ length: FCM_SENDS }, (_, index) => `device-${index}`);
    for (const id of ids) await push.registerDevice(id, `token-${id}`);
    await push.sendNotification("device-0", { title: "warm-up" }); // token minted and connection opened
    const start = performance.now();
    const report = await push.sendToDevices(ids, { title: "Alert", message: "Important update" });
    const managerMs = performance.now() - start;
    if (report.delivered !== FCM_SENDS) throw new Error("FCM benchmark lost deliveries");

    // Raw: fetch POSTs of an equivalent body, CONCURRENCY at a time, no token logic or response mapping.
    const url = `${origin}/v1/projects/bench/messages:send`;
    let next = 0;
    const rawStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < FCM_SENDS) {
          const index = next;
          next += 1;
          const body = JSON.stringify({
            message: { token: `token-device-${index}`, notification: { title: "Alert" } },
          });
          const response = await fetch(url, {
            method: "POST",
            headers: { authorization: "Bearer ya29.bench", "content-type": "application/json" },
            body,
          });
          await response.text();
        }
      }),
    );
    const rawMs = performance.now() - rawStart;
    return row(`FCM transport, local HTTP server, ${CONCURRENCY} in flight`, FCM_SENDS, managerMs, rawMs);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function row(name: string, count: number, managerMs: number, rawMs: number): string {
  const perSecond = (ms: number) => Math.round((count / ms) * 1000).toLocaleString("en");
  return `| ${name} | ${count.toLocaleString("en")} | ${perSecond(managerMs)} | ${perSecond(rawMs)} | ${(managerMs / rawMs).toFixed(1)}× |`;
}

export default async function run(): Promise<void> {
  const rows: string[] = [];
  for (let round = 1; round <= 3; round += 1) {
    rows.push(await logTransportRow());
    rows.push(await fcmRow());
  }
  console.log("| path | sends | manager (sends/s) | raw (sends/s) | manager time / raw time |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const line of rows) console.log(line);
}
