import {
  createIdGenerator,
  createJsonStore,
  type DamagedRecord,
  type JsonStore,
  PelbiotError,
  type StorageAdapter,
} from "@pelbiot/core";
import { type KeyEnvelope, openKeyEnvelope, sealKeyEnvelope } from "../internal/key-envelope";
import type { KeyProvider } from "../internal/key-provider-types";
import type { WebhookEndpoint } from "./webhook-manager-types";

/**
 * One signing secret of an endpoint. Exactly one of `value` (plain text, only in a manager's private in-memory
 * storage) and `sealed` (envelope-encrypted, everywhere else) is present.
 */
export interface StoredSecret {
  /** Random id, bound into the encryption so a sealed secret cannot be moved to another slot or endpoint. */
  id: string;
  value?: string;
  sealed?: KeyEnvelope;
  /** When the secret stops signing (end of a rotation overlap), or `null` for the current one. */
  expiresAt: number | null;
}

/** An endpoint as persisted under `webhooks:endpoints:`. */
export interface StoredEndpoint {
  id: string;
  url: string;
  events: string[];
  secrets: StoredSecret[];
  enabled: boolean;
  disabledReason: string | null;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What a new endpoint is made of. */
export interface NewEndpoint {
  url: string;
  events: string[];
  secret: string;
  description: string | null;
  now: number;
}

/** Options of {@link EndpointRegistry}. */
export interface EndpointRegistryOptions {
  /** Where endpoints are persisted. */
  storage: StorageAdapter;
  /**
   * Wraps the data key of every sealed secret; `undefined` keeps secrets in plain text, which the manager allows only
   * for the private in-memory storage it creates itself.
   */
  keyProvider: KeyProvider | undefined;
  /**
   * The key prefix of the endpoint records.
   * @default "webhooks:endpoints:"
   */
  prefix?: string | undefined;
  /** Told about each damaged endpoint record a listing skipped and quarantined. */
  onDamaged?: ((record: DamagedRecord) => void) | undefined;
}

/** What {@link EndpointRegistry.list} read. */
export interface EndpointListing {
  /** The readable endpoints, oldest first. */
  endpoints: StoredEndpoint[];
  /** How many damaged endpoint records were skipped (and quarantined). */
  damaged: number;
}

const endpointIds = createIdGenerator({ prefix: "ep" });
const secretIds = createIdGenerator({ prefix: "sec" });

const SECRET_PURPOSE = "pelbiot.webhook-secret";

// Binds a sealed secret to its endpoint and its slot: copied to another endpoint or slot, it fails authentication.
function secretAssociatedData(endpointId: string, secretId: string): Buffer {
  return Buffer.from(JSON.stringify([`${SECRET_PURPOSE}/v1`, "aes-256-gcm", endpointId, secretId]));
}

function secretKeyContext(endpointId: string, secretId: string): Record<string, string> {
  return { purpose: SECRET_PURPOSE, endpointId, secretId };
}

function isKeyEnvelope(value: unknown): value is KeyEnvelope {
  if (typeof value !== "object" || value === null) return false;
  const { iv, ciphertext, tag, wrappedKey } = value as Partial<KeyEnvelope>;
  return (
    typeof iv === "string" &&
    typeof ciphertext === "string" &&
    typeof tag === "string" &&
    typeof wrappedKey === "object" &&
    wrappedKey !== null &&
    typeof wrappedKey.keyId === "string" &&
    typeof wrappedKey.keyVersion === "string" &&
    typeof wrappedKey.ciphertext === "string"
  );
}

function secretIntegrityError(endpointId: string, what: string): PelbiotError {
  return new PelbiotError(
    "INTEGRITY_ERROR",
    `The signing secret of endpoint ${endpointId} ${what}; the stored endpoint was altered or written without ` +
      "encryption. Rotate its secret with rotateSecret() to replace it.",
    { details: { endpointId } },
  );
}

/** Shows an endpoint without its secrets. */
export function toEndpointView(stored: StoredEndpoint): WebhookEndpoint {
  const { id, url, events, enabled, disabledReason, description, createdAt, updatedAt } = stored;
  return { id, url, events: [...events], enabled, disabledReason, description, createdAt, updatedAt };
}

/**
 * The endpoints of a manager in its storage adapter, with their signing secrets encrypted at rest by the same
 * envelope scheme as credentials: a fresh AES-256-GCM data key per secret, wrapped by the key provider, the
 * ciphertext bound to the endpoint id and a per-secret id.
 */
export class EndpointRegistry {
  readonly #store: JsonStore<StoredEndpoint>;
  readonly #keyProvider: KeyProvider | undefined;

  constructor(options: EndpointRegistryOptions) {
    const { storage, keyProvider, prefix = "webhooks:endpoints:", onDamaged } = options;
    this.#store = createJsonStore<StoredEndpoint>(storage, { prefix, onDamaged });
    this.#keyProvider = keyProvider;
  }

  /** Whether secrets are sealed before they reach storage. */
  get encryptsSecrets(): boolean {
    return this.#keyProvider !== undefined;
  }

  /** Persists a new endpoint with its first secret; returns what was stored. */
  async create(input: NewEndpoint): Promise<StoredEndpoint> {
    const { url, events, secret, description, now } = input;
    const id = endpointIds.next();
    const stored: StoredEndpoint = {
      id,
      url,
      events,
      secrets: [await this.#storeSecret(id, secret, null)],
      enabled: true,
      disabledReason: null,
      description,
      createdAt: now,
      updatedAt: now,
    };
    await this.#store.set(id, stored);
    return stored;
  }

  /** Reads one endpoint, or `undefined`. */
  async get(endpointId: string): Promise<StoredEndpoint | undefined> {
    return this.#store.get(endpointId);
  }

  /** Every readable endpoint, oldest first, and how many damaged records were skipped. */
  async list(): Promise<EndpointListing> {
    const { entries, damaged } = await this.#store.listEntries();
    const endpoints = entries.map(([, stored]) => stored).sort((left, right) => left.createdAt - right.createdAt);
    return { endpoints, damaged: damaged.length };
  }

  /** Changes an endpoint atomically; `undefined` when it does not exist. */
  async update(
    endpointId: string,
    change: (current: StoredEndpoint) => StoredEndpoint,
  ): Promise<StoredEndpoint | undefined> {
    return this.#store.update(endpointId, (current) => (current === undefined ? undefined : change(current)));
  }

  /**
   * Applies a caller's changes (URL, subscription, note), atomically.
   *
   * @returns The changed endpoint, or `undefined` when it does not exist.
   */
  async change(
    endpointId: string,
    changes: { url?: string | undefined; events?: string[] | undefined; description?: string | null | undefined },
    now: number,
  ): Promise<StoredEndpoint | undefined> {
    const { url, events, description } = changes;
    return this.update(endpointId, (current) => ({
      ...current,
      ...(url === undefined ? {} : { url }),
      ...(events === undefined ? {} : { events }),
      ...(description === undefined ? {} : { description }),
      updatedAt: now,
    }));
  }

  /**
   * Enables an endpoint, or disables it with a reason, atomically.
   *
   * @returns The endpoint and whether it was in the other state before, or `undefined` when it does not exist.
   */
  async setEnabled(
    endpointId: string,
    disabledReason: string | null,
    now: number,
  ): Promise<{ endpoint: StoredEndpoint; changed: boolean } | undefined> {
    const enabled = disabledReason === null;
    let changed = false;
    const endpoint = await this.update(endpointId, (current) => {
      changed = current.enabled !== enabled;
      return { ...current, enabled, disabledReason, updatedAt: now };
    });
    return endpoint === undefined ? undefined : { endpoint, changed };
  }

  /** Removes an endpoint. */
  async delete(endpointId: string): Promise<void> {
    await this.#store.delete(endpointId);
  }

  /**
   * Makes `secret` the endpoint's current secret; the still-valid previous ones keep signing until `now + overlapMs`
   * (or their own earlier expiry). Returns `undefined` when the endpoint does not exist.
   */
  async rotateSecret(
    endpointId: string,
    secret: string,
    overlapMs: number,
    now: number,
  ): Promise<StoredEndpoint | undefined> {
    // Sealed once, outside the update, which may run its callback again when another writer got in first.
    const next = await this.#storeSecret(endpointId, secret, null);
    return this.update(endpointId, (current) => {
      const previous = current.secrets
        .filter((item) => item.expiresAt === null || item.expiresAt > now)
        .map((item) => ({ ...item, expiresAt: Math.min(item.expiresAt ?? now + overlapMs, now + overlapMs) }));
      return { ...current, secrets: [next, ...previous], updatedAt: now };
    });
  }

  /**
   * The secrets that sign at `now`, decrypted, current first.
   *
   * @throws {PelbiotError} INTEGRITY_ERROR when a sealed secret fails authentication, or a secret is in plain text
   * while this registry encrypts.
   */
  async signingSecrets(endpoint: StoredEndpoint, now: number): Promise<string[]> {
    const active = endpoint.secrets.filter((secret) => secret.expiresAt === null || secret.expiresAt > now);
    return Promise.all(active.map(async (secret) => this.#revealSecret(endpoint.id, secret)));
  }

  async #storeSecret(endpointId: string, secret: string, expiresAt: number | null): Promise<StoredSecret> {
    const id = secretIds.next();
    if (this.#keyProvider === undefined) return { id, value: secret, expiresAt };
    const plaintext = Buffer.from(secret, "utf8");
    try {
      const sealed = await sealKeyEnvelope(
        { keyProvider: this.#keyProvider },
        "aes-256-gcm",
        plaintext,
        secretAssociatedData(endpointId, id),
        secretKeyContext(endpointId, id),
      );
      return { id, sealed, expiresAt };
    } finally {
      plaintext.fill(0);
    }
  }

  async #revealSecret(endpointId: string, secret: StoredSecret): Promise<string> {
    if (this.#keyProvider === undefined) {
      if (typeof secret.value !== "string") throw secretIntegrityError(endpointId, "is not a plain-text secret");
      return secret.value;
    }
    // A plain value where a sealed one belongs is refused: accepting it would let whoever can write the storage
    // swap in a secret of their choosing without holding the key.
    if (secret.value !== undefined || !isKeyEnvelope(secret.sealed) || typeof secret.id !== "string") {
      throw secretIntegrityError(endpointId, "is not sealed");
    }
    const plaintext = await openKeyEnvelope(
      { keyProvider: this.#keyProvider },
      "aes-256-gcm",
      secret.sealed,
      secretAssociatedData(endpointId, secret.id),
      secretKeyContext(endpointId, secret.id),
    );
    try {
      return plaintext.toString("utf8");
    } finally {
      plaintext.fill(0);
    }
  }
}
