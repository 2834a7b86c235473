#!/usr/bin/env node
// Writes the options tables of the package READMEs from the options interfaces' TSDoc, so a table never drifts from
// the code: `node scripts/options-tables.mjs` rewrites every table between `<!-- options: Name -->` and
// `<!-- /options -->`; `--check` only reports the tables that are out of date (exit code 1), as the contract test does.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const ts = createRequire(join(root, "package.json"))("typescript");

/**
 * Every table: the README it lives in, and the interfaces whose members it lists (a base interface first, as
 * `extends` reads). `keys` names the exported constant the constructor validates unknown keys against.
 */
export const OPTION_TABLES = [
  {
    name: "RetryOptions",
    readme: "core",
    sources: [
      ["core", "src/retry/compute-backoff-delay.ts", "BackoffOptions"],
      ["core", "src/retry/retry.ts", "RetryOptions"],
    ],
  },
  { name: "LoggerOptions", readme: "core", sources: [["core", "src/logging/logger.ts", "LoggerOptions"]] },
  { name: "ManualClockOptions", readme: "core", sources: [["core", "src/time/manual-clock.ts", "ManualClockOptions"]] },
  {
    name: "FileStorageOptions",
    readme: "core",
    sources: [["core", "src/node/file-storage-options.ts", "FileStorageOptions"]],
  },
  {
    name: "PostgresStorageOptions",
    readme: "core",
    sources: [["core", "src/postgres/postgres-storage-options.ts", "PostgresStorageOptions"]],
  },
  {
    name: "RedisStorageOptions",
    readme: "core",
    sources: [["core", "src/redis/redis-storage-options.ts", "RedisStorageOptions"]],
  },
  { name: "JsonStoreOptions", readme: "core", sources: [["core", "src/storage/json-store.ts", "JsonStoreOptions"]] },
  {
    name: "TypedEventEmitterOptions",
    readme: "core",
    sources: [["core", "src/events/typed-event-emitter.ts", "TypedEventEmitterOptions"]],
  },
  {
    name: "MobileAppConfigOptions",
    readme: "mobile",
    sources: [["mobile", "src/config/mobile-app-config-options.ts", "MobileAppConfigOptions"]],
    keys: ["mobile", "src/config/mobile-app-config-options.ts", "MOBILE_APP_CONFIG_OPTION_KEYS"],
  },
  {
    name: "OfflineSyncManagerOptions",
    readme: "mobile",
    sources: [["mobile", "src/sync/offline-sync-manager-options.ts", "OfflineSyncManagerOptions"]],
    keys: ["mobile", "src/sync/offline-sync-manager-options.ts", "OFFLINE_SYNC_MANAGER_OPTION_KEYS"],
  },
  {
    name: "SyncCoordinatorOptions",
    readme: "mobile",
    sources: [["mobile", "src/sync/sync-coordinator-options.ts", "SyncCoordinatorOptions"]],
    keys: ["mobile", "src/sync/sync-coordinator-options.ts", "SYNC_COORDINATOR_OPTION_KEYS"],
  },
  {
    name: "MobileUIOptimizerOptions",
    readme: "mobile",
    sources: [["mobile", "src/ui/mobile-ui-optimizer-options.ts", "MobileUIOptimizerOptions"]],
    keys: ["mobile", "src/ui/mobile-ui-optimizer-options.ts", "MOBILE_UI_OPTIMIZER_OPTION_KEYS"],
  },
  {
    name: "PushNotificationManagerOptions",
    readme: "mobile",
    sources: [["mobile", "src/push/push-notification-manager-options.ts", "PushNotificationManagerOptions"]],
    keys: ["mobile", "src/push/push-notification-manager-options.ts", "PUSH_NOTIFICATION_MANAGER_OPTION_KEYS"],
  },
  {
    name: "BiometricAuthManagerOptions",
    readme: "mobile",
    sources: [["mobile", "src/biometric/biometric-auth-manager-options.ts", "BiometricAuthManagerOptions"]],
    keys: ["mobile", "src/biometric/biometric-auth-manager-options.ts", "BIOMETRIC_AUTH_MANAGER_OPTION_KEYS"],
  },
  {
    name: "FcmTransportOptions",
    readme: "mobile",
    sources: [["mobile", "src/push/fcm-transport.ts", "FcmTransportOptions"]],
  },
  {
    name: "ApnsTransportOptions",
    readme: "mobile",
    sources: [["mobile", "src/node/apns-transport.ts", "ApnsTransportOptions"]],
  },
  {
    name: "WebPushTransportOptions",
    readme: "mobile",
    sources: [["mobile", "src/node/web-push-transport.ts", "WebPushTransportOptions"]],
  },
  {
    name: "LogPushTransportOptions",
    readme: "mobile",
    sources: [["mobile", "src/push/log-push-transport.ts", "LogPushTransportOptions"]],
  },
  {
    name: "APICredentialsManagerOptions",
    readme: "integrations",
    sources: [["integrations", "src/credentials/api-credentials-manager-options.ts", "APICredentialsManagerOptions"]],
    keys: ["integrations", "src/credentials/api-credentials-manager-options.ts", "API_CREDENTIALS_MANAGER_OPTION_KEYS"],
  },
  {
    name: "WebhookManagerOptions",
    readme: "integrations",
    sources: [["integrations", "src/webhooks/webhook-manager-options.ts", "WebhookManagerOptions"]],
    keys: ["integrations", "src/webhooks/webhook-manager-options.ts", "WEBHOOK_MANAGER_OPTION_KEYS"],
  },
  {
    name: "PaymentGatewayIntegrationOptions",
    readme: "integrations",
    sources: [
      ["integrations", "src/payments/payment-gateway-integration-options.ts", "PaymentGatewayIntegrationOptions"],
    ],
    keys: ["integrations", "src/payments/payment-gateway-integration-options.ts", "PAYMENT_GATEWAY_OPTION_KEYS"],
  },
  {
    name: "MessagingIntegrationOptions",
    readme: "integrations",
    sources: [["integrations", "src/messaging/messaging-integration-options.ts", "MessagingIntegrationOptions"]],
    keys: ["integrations", "src/messaging/messaging-integration-options.ts", "MESSAGING_INTEGRATION_OPTION_KEYS"],
  },
  {
    name: "AnalyticsDataCollectorOptions",
    readme: "analytics",
    sources: [["analytics", "src/collector/analytics-data-collector-options.ts", "AnalyticsDataCollectorOptions"]],
    keys: ["analytics", "src/collector/analytics-data-collector-options.ts", "ANALYTICS_DATA_COLLECTOR_OPTION_KEYS"],
  },
  {
    name: "InfluxDbSinkOptions",
    readme: "analytics",
    sources: [["analytics", "src/influxdb/influxdb-sink-options.ts", "InfluxDbSinkOptions"]],
    keys: ["analytics", "src/influxdb/influxdb-sink-options.ts", "INFLUXDB_SINK_OPTION_KEYS"],
  },
  {
    name: "DashboardManagerOptions",
    readme: "analytics",
    sources: [["analytics", "src/dashboard/dashboard-manager-options.ts", "DashboardManagerOptions"]],
    keys: ["analytics", "src/dashboard/dashboard-manager-options.ts", "DASHBOARD_MANAGER_OPTION_KEYS"],
  },
  {
    name: "ReportGeneratorOptions",
    readme: "analytics",
    sources: [["analytics", "src/reports/report-generator-options.ts", "ReportGeneratorOptions"]],
    keys: ["analytics", "src/reports/report-generator-options.ts", "REPORT_GENERATOR_OPTION_KEYS"],
  },
  {
    name: "PredictiveAnalyticsEngineOptions",
    readme: "analytics",
    sources: [
      ["analytics", "src/predictive/predictive-analytics-engine-options.ts", "PredictiveAnalyticsEngineOptions"],
    ],
    keys: [
      "analytics",
      "src/predictive/predictive-analytics-engine-options.ts",
      "PREDICTIVE_ANALYTICS_ENGINE_OPTION_KEYS",
    ],
  },
  {
    name: "AnomalyDetectionEngineOptions",
    readme: "ml",
    sources: [["ml", "src/anomaly/anomaly-detection-engine-options.ts", "AnomalyDetectionEngineOptions"]],
    keys: ["ml", "src/anomaly/anomaly-detection-engine-options.ts", "ANOMALY_OPTION_KEYS"],
  },
  {
    name: "TimeSeriesForecastingEngineOptions",
    readme: "ml",
    sources: [
      ["ml", "src/forecasting/time-series-forecasting-engine-options.ts", "TimeSeriesForecastingEngineOptions"],
    ],
  },
  {
    name: "ClassificationModelOptions",
    readme: "ml",
    sources: [["ml", "src/classification/classification-model-options.ts", "ClassificationModelOptions"]],
    keys: ["ml", "src/classification/classification-model-options.ts", "CLASSIFICATION_MODEL_OPTION_KEYS"],
  },
  {
    name: "ClusteringAlgorithmOptions",
    readme: "ml",
    sources: [["ml", "src/clustering/clustering-algorithm-options.ts", "ClusteringAlgorithmOptions"]],
    keys: ["ml", "src/clustering/clustering-algorithm-options.ts", "CLUSTERING_ALGORITHM_OPTION_KEYS"],
  },
  {
    name: "RecommendationEngineOptions",
    readme: "ml",
    sources: [["ml", "src/recommendation/recommendation-engine-options.ts", "RecommendationEngineOptions"]],
    keys: ["ml", "src/recommendation/recommendation-engine-options.ts", "RECOMMENDATION_ENGINE_OPTION_KEYS"],
  },
];

const MARKER = /<!-- options: (\w+) -->\n[\s\S]*?<!-- \/options -->/g;

/** `{@link X}` and `{@link X | text}` as Markdown code, whitespace collapsed. */
function plain(text) {
  return text
    .replace(/\{@link\s+([^}|]+?)\s*(?:\|\s*([^}]+))?\}/g, (_, target, label) => `\`${(label ?? target).trim()}\``)
    .replace(/\s+/g, " ")
    .trim();
}

/** The first sentence: up to a full stop followed by a capital letter or a code span (not after "e.g." or "i.e."). */
function firstSentence(text) {
  // A sentence that introduces a list keeps only its lead-in; the list is in the API reference.
  const list = text.indexOf(": - ");
  if (list !== -1) return `${text.slice(0, list)}: see the API reference.`;
  const match = /^(.*?(?<!\be\.g)(?<!\bi\.e)[.!?])\s+(?=[A-Z`])/.exec(text);
  return match ? match[1] : text;
}

const cell = (text) => text.replaceAll("|", "\\|");

function commentText(comment) {
  if (comment === undefined) return "";
  if (typeof comment === "string") return comment;
  // `{@link X}` parts carry the target in `name` and an optional label in `text`.
  return comment
    .map((part) =>
      part.kind === ts.SyntaxKind.JSDocText ? part.text : `\`${part.text.trim() || part.name?.getText() || ""}\``,
    )
    .join("");
}

/** `(() => number)` → `() => number`: the parentheses only mattered next to the `| undefined` that was dropped. */
function unwrap(type) {
  if (!type.startsWith("(") || !type.endsWith(")")) return type;
  let depth = 0;
  for (let index = 0; index < type.length; index += 1) {
    if (type[index] === "(") depth += 1;
    if (type[index] === ")") depth -= 1;
    if (depth === 0 && index < type.length - 1) return type;
  }
  return type.slice(1, -1);
}

/** "Deprecated: …" from a `@deprecated` tag, for a member documented by that tag alone. */
function deprecation(doc) {
  const tag = doc?.tags?.find((candidate) => candidate.tagName.text === "deprecated");
  return tag === undefined ? "" : `Deprecated: ${plain(commentText(tag.comment))}`;
}

/** The members of one interface: name, type, default and meaning, in declaration order. */
function membersOf(pkg, file, name) {
  const path = join(root, "packages", pkg, file);
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find((node) => ts.isInterfaceDeclaration(node) && node.name.text === name);
  if (declaration === undefined) throw new Error(`${pkg}/${file} has no interface ${name}`);
  const rows = [];
  for (const member of declaration.members) {
    if (!ts.isPropertySignature(member) && !ts.isMethodSignature(member)) continue;
    const docs = ts.getJSDocCommentsAndTags(member).filter((node) => ts.isJSDoc(node));
    const doc = docs.at(-1);
    const defaultTag = doc?.tags?.find((tag) => tag.tagName.text === "default");
    const type = member.type === undefined ? "function" : member.type.getText(source).replace(/\s*\|\s*undefined$/, "");
    rows.push({
      option: member.name.getText(source),
      type: unwrap(plain(type).replace(/^\| /, "")),
      default: defaultTag ? plain(commentText(defaultTag.comment)) : member.questionToken ? "" : "required",
      meaning: firstSentence(plain(commentText(doc?.comment))) || deprecation(doc),
    });
  }
  return rows;
}

/** The rows of one table, base interfaces first; a member redeclared later replaces the earlier one. */
export function optionRows(table) {
  const rows = new Map();
  for (const [pkg, file, name] of table.sources)
    for (const row of membersOf(pkg, file, name)) rows.set(row.option, row);
  return [...rows.values()];
}

/** A default that reads as code (`200`, `"info"`, `systemClock`, `{ maxAttempts: 5 }`) in a code span; prose as is. */
function formatDefault(text) {
  if (text === "") return "—";
  if (text === "required") return text;
  return /^[[{"'`]/.test(text) || !text.includes(" ") ? `\`${cell(text)}\`` : cell(text);
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
/** Characters as a reader (and the formatter) counts them: `q̂` is one, not two UTF-16 units. */
const widthOf = (text) => [...graphemes.segment(text)].length;

/** The Markdown table, columns padded like the other tables of the READMEs. */
export function renderTable(table) {
  const header = ["Option", "Type", "Default", "Meaning"];
  const body = optionRows(table).map((row) => [
    `\`${row.option}\``,
    `\`${cell(row.type)}\``,
    formatDefault(row.default),
    cell(row.meaning),
  ]);
  const widths = header.map((title, index) => Math.max(title.length, ...body.map((row) => widthOf(row[index]))));
  const pad = (text, width) => text + " ".repeat(width - widthOf(text));
  const line = (cells) => `| ${cells.map((text, index) => pad(text, widths[index])).join(" | ")} |`;
  return [line(header), `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`, ...body.map(line)].join("\n");
}

/** Every README with its tables brought up to date: `{ path, before, after }`. */
export function renderReadmes() {
  const byName = new Map(OPTION_TABLES.map((table) => [table.name, table]));
  const readmes = [...new Set(OPTION_TABLES.map((table) => table.readme))];
  return readmes.map((name) => {
    const path = join(root, "packages", name, "README.md");
    const before = readFileSync(path, "utf8");
    const after = before.replace(MARKER, (_, tableName) => {
      const table = byName.get(tableName);
      if (table === undefined) throw new Error(`${path}: no options table is called ${tableName}`);
      return `<!-- options: ${tableName} -->\n${renderTable(table)}\n<!-- /options -->`;
    });
    return { path, before, after };
  });
}

/** The names of the tables each README holds, in order. */
export function tablesIn(text) {
  return [...text.matchAll(MARKER)].map((match) => match[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const { path, before, after } of renderReadmes()) {
    if (before === after) continue;
    stale += 1;
    if (check) console.error(`${path}: options tables are out of date; run node scripts/options-tables.mjs`);
    else writeFileSync(path, after);
  }
  process.exitCode = check && stale > 0 ? 1 : 0;
}
