import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type CDPSession, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chromiumLaunchOptions, requireChromium } from "../../../core/test/support/chromium";
import { BiometricAuthManager } from "../../src/biometric/biometric-auth-manager";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "../../src/biometric/biometric-auth-manager-types";

// The page does what an app's login screen does: turn the server's JSON options into a WebAuthn call and send the
// credential back as JSON (PublicKeyCredential.parse…FromJSON and toJSON are Chromium ≥ 129).
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>passkeys</title></head>
<body><script>
  window.createPasskey = async (options) => {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
    return (await navigator.credentials.create({ publicKey })).toJSON();
  };
  window.usePasskey = async (options) => {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    return (await navigator.credentials.get({ publicKey })).toJSON();
  };
</script></body></html>`;

let server: Server;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let userDataDir: string;
let origin: string;
let bio: BiometricAuthManager;

beforeAll(async () => {
  requireChromium("the WebAuthn browser test");
  server = createServer((request, response) => {
    if (request.url === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // http://localhost is a secure context, which WebAuthn requires; the rpId is then "localhost".
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  bio = new BiometricAuthManager({ rpId: "localhost", rpName: "PELBIOT test", origins: [origin] });
  userDataDir = mkdtempSync(join(tmpdir(), "pelbiot-webauthn-"));
  context = await chromium.launchPersistentContext(userDataDir, chromiumLaunchOptions());
}, 60_000);

// Chromium allows one internal authenticator per tab, even after removing it: each test gets a fresh tab.
beforeEach(async () => {
  page = await context.newPage();
  await page.goto(`${origin}/`);
  cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
});

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

// A platform authenticator with a biometric sensor that always recognises the user, as the set-up asks.
async function addAuthenticator(backup: { eligible: boolean; state: boolean }): Promise<string> {
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: backup.eligible,
      defaultBackupState: backup.state,
    },
  });
  return authenticatorId;
}

async function createInBrowser(options: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON> {
  return page.evaluate((json) => (window as never as BrowserApi).createPasskey(json), options);
}

async function getInBrowser(options: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON> {
  return page.evaluate((json) => (window as never as BrowserApi).usePasskey(json), options);
}

interface BrowserApi {
  createPasskey(options: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON>;
  usePasskey(options: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON>;
}

describe("BiometricAuthManager with real Chromium passkeys", { timeout: 30_000 }, () => {
  it("registers and verifies what navigator.credentials.create() and .get() return", async () => {
    const authenticatorId = await addAuthenticator({ eligible: false, state: false });
    const registration = await createInBrowser(await bio.generateRegistrationOptions("ana", "fingerprint"));
    const credential = await bio.registerBiometric("ana", "fingerprint", registration);
    expect(credential).toMatchObject({ userId: "ana", modality: "fingerprint", userVerified: true, backedUp: false });
    expect(credential.transports).toContain("internal");

    const first = await getInBrowser(await bio.generateAuthenticationOptions("ana"));
    expect(await bio.verifyBiometric("ana", "fingerprint", first)).toBe(true);
    const second = await getInBrowser(await bio.generateAuthenticationOptions("ana"));
    const result = await bio.verifyBiometricDetailed("ana", "fingerprint", second);
    expect(result.verified).toBe(true);
    // Chromium's virtual authenticator counts signatures; the stored counter follows it.
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(result.verified && result.credential.counter).toBe(credentials[0]?.signCount);

    // The browser's own response, sent twice, is a replay.
    expect(await bio.verifyBiometricDetailed("ana", "fingerprint", second)).toMatchObject({
      reason: "challenge_replayed",
    });
  });

  it("logs in usernameless with the discoverable credential and follows its backup state", async () => {
    const authenticatorId = await addAuthenticator({ eligible: true, state: false });
    const registration = await createInBrowser(await bio.generateRegistrationOptions("bea", "face"));
    const credential = await bio.registerBiometric("bea", "face", registration);
    expect(credential).toMatchObject({ backupEligible: true, backedUp: false, deviceType: "multiDevice" });

    await cdp.send("WebAuthn.setCredentialProperties", {
      authenticatorId,
      // CDP's binary fields are standard base64.
      credentialId: Buffer.from(credential.id, "base64url").toString("base64"),
      backupState: true,
    });
    const login = await getInBrowser(await bio.generateAuthenticationOptions());
    expect(login.response.userHandle).toBeTruthy();
    const result = await bio.verifyBiometricDetailed("bea", "face", login);
    expect(result).toMatchObject({ verified: true, credential: { backedUp: true } });
    // Bea's passkey answering a fresh usernameless challenge does not log in anyone else.
    const asAna = await getInBrowser(await bio.generateAuthenticationOptions());
    expect(await bio.verifyBiometricDetailed("ana", "face", asAna)).toMatchObject({ reason: "unknown_credential" });
  });

  it("refuses a browser response from an origin the relying party does not list", async () => {
    await addAuthenticator({ eligible: false, state: false });
    const strict = new BiometricAuthManager({
      rpId: "localhost",
      rpName: "PELBIOT test",
      origins: ["http://localhost:1"],
    });
    const registration = await createInBrowser(await strict.generateRegistrationOptions("cai", "iris"));
    const error = await strict.registerBiometric("cai", "iris", registration).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "INTEGRITY_ERROR", details: { reason: "origin_mismatch" } });
  });
});
