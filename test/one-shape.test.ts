// Walks every public class of every package: each constructor rejects a misspelt option with VALIDATION_ERROR,
// naming the option and the accepted ones. New classes are picked up by enumerating the packages' exports.
import * as analytics from "@pelbiot/analytics";
import * as core from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { createPostgresStorage } from "@pelbiot/core/postgres";
import { createRedisStorage } from "@pelbiot/core/redis";
import * as integrations from "@pelbiot/integrations";
import * as ml from "@pelbiot/ml";
import * as mobile from "@pelbiot/mobile";
import * as mobileNode from "@pelbiot/mobile/node";
import * as mobileServer from "@pelbiot/mobile/server";
import { describe, expect, it } from "vitest";

const MODULES: Record<string, Record<string, unknown>> = {
  "@pelbiot/core": core,
  "@pelbiot/mobile": mobile,
  "@pelbiot/mobile/server": mobileServer,
  "@pelbiot/integrations": integrations,
  "@pelbiot/analytics": analytics,
  "@pelbiot/ml": ml,
};

// Classes that are not configured through an options object: errors, the event emitter base, and values the
// managers hand out (a Credential comes from getCredentials, never from user code).
const NOT_CONFIGURABLE = new Set(["PelbiotError", "PelbiotValidationError", "TypedEventEmitter", "Credential"]);
// Options a class cannot start without; the misspelt key is added to these.
const REQUIRED_OPTIONS: Record<string, Record<string, unknown>> = {
  APICredentialsManager: { keyProvider: integrations.createEphemeralKeyProvider() },
  BiometricAuthManager: { rpId: "localhost", rpName: "Demo", origins: ["http://localhost:3000"] },
};
// Factories that take an options object check it the same way (adapters get the minimum they need to start).
const FACTORIES: Record<string, (options: Record<string, unknown>) => unknown> = {
  createSyncCoordinator: (options) => mobileServer.createSyncCoordinator(options as never),
  createFileStorage: (options) => createFileStorage({ directory: "unused", ...options } as never),
  createPostgresStorage: (options) =>
    createPostgresStorage({ connectionString: "postgres://unused", ...options } as never),
  createRedisStorage: (options) => createRedisStorage({ client: { call: async () => null }, ...options } as never),
  createLogger: (options) => core.createLogger(options as never),
  createIdGenerator: (options) => core.createIdGenerator(options as never),
  createManualClock: (options) => core.createManualClock(0, options as never),
  createJsonStore: (options) => core.createJsonStore(core.createMemoryStorage(), options as never),
  createHttpSyncTransport: (options) =>
    mobile.createHttpSyncTransport({ baseUrl: "http://127.0.0.1:1", ...options } as never),
  createLogPushTransport: (options) => mobileServer.createLogPushTransport(options as never),
  createFcmTransport: (options) =>
    mobileServer.createFcmTransport({
      serviceAccount: { project_id: "p", client_email: "e@p", private_key: "-----BEGIN PRIVATE KEY-----" },
      ...options,
    } as never),
  createWebPushTransport: (options) =>
    mobileNode.createWebPushTransport({
      vapid: { subject: "mailto:a@b.c", publicKey: "", privateKey: "" },
      ...options,
    }),
  createApnsTransport: (options) =>
    mobileNode.createApnsTransport({ teamId: "t", keyId: "k", signingKey: "", bundleId: "b", ...options }),
  createStripePaymentProvider: (options) =>
    integrations.createStripePaymentProvider({ secretKey: "sk_test_unused", ...options } as never),
  createPayPalPaymentProvider: (options) =>
    integrations.createPayPalPaymentProvider({ clientId: "unused", clientSecret: "unused", ...options } as never),
  createOutboxProvider: (options) => integrations.createOutboxProvider(options as never),
  createTwilioProvider: (options) =>
    integrations.createTwilioProvider({
      accountSid: `AC${"0".repeat(32)}`,
      authToken: "t",
      from: "+14155552345",
      ...options,
    } as never),
  createSmtpProvider: (options) =>
    integrations.createSmtpProvider({ host: "127.0.0.1", from: "shop@example.com", ...options } as never),
  createInfluxDbSink: (options) =>
    analytics.createInfluxDbSink({ url: "http://127.0.0.1:1", database: "unused", ...options } as never),
};

function isClass(value: unknown): value is new (options: Record<string, unknown>) => unknown {
  return typeof value === "function" && /^class\s/.test(Function.prototype.toString.call(value));
}

const classes = Object.entries(MODULES).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([name, value]) => isClass(value) && !NOT_CONFIGURABLE.has(name))
    .map(([name, value]) => ({ label: `${module} ${name}`, name, create: value as new (options: object) => unknown })),
);

function expectMisspeltOptionRejected(create: (options: Record<string, unknown>) => unknown, name: string): void {
  const error = captureError(() => create({ ...REQUIRED_OPTIONS[name], clokc: 1 }));
  expect(core.PelbiotError.is(error, "VALIDATION_ERROR"), `${name}: ${String(error)}`).toBe(true);
  expect((error as Error).message).toContain("clokc");
  expect((error as Error).message).toMatch(/accepted: /);
}

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("one shape: every public class rejects a misspelt option", () => {
  it("finds the classes", () => {
    expect(classes.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        "MobileAppConfig",
        "OfflineSyncManager",
        "MobileUIOptimizer",
        "APICredentialsManager",
        "WebhookManager",
        "MessagingIntegration",
        "AnomalyDetectionEngine",
        "TimeSeriesForecastingEngine",
        "ClassificationModel",
        "ClusteringAlgorithm",
        "RecommendationEngine",
        "AnalyticsDataCollector",
        "PushNotificationManager",
        "BiometricAuthManager",
        "PaymentGatewayIntegration",
        "DashboardManager",
        "PredictiveAnalyticsEngine",
        "ReportGenerator",
      ]),
    );
  });

  it.each(classes)("$label", ({ name, create }) => {
    expectMisspeltOptionRejected((options) => new create(options), name);
  });

  it.each(Object.entries(FACTORIES))("%s", (name, factory) => {
    expectMisspeltOptionRejected(factory, name);
  });
});
