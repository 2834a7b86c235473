import { PelbiotError } from "@pelbiot/core";
import type { DataKeyCache } from "./data-key-cache";
import {
  DATA_KEY_BYTES,
  type EnvelopeAlgorithm,
  generateDataKey,
  open,
  type SealedPayload,
  seal,
} from "./envelope-cipher";
import type { KeyContext, KeyProvider, WrappedKey } from "./key-provider-types";

/** A value under envelope encryption: the sealed payload plus the data key wrapped by the key provider. */
export interface KeyEnvelope extends SealedPayload {
  readonly wrappedKey: WrappedKey;
}

/** Where a value is sealed: the key provider, an optional cache of unwrapped data keys, the algorithm. */
export interface KeyEnvelopeScheme {
  readonly keyProvider: KeyProvider;
  readonly cache?: DataKeyCache | undefined;
}

/**
 * Seals `plaintext` under a fresh data key bound to `associatedData`, then wraps the data key with the key provider
 * under `keyContext`. This is the one envelope-encryption path shared by credentials and webhook secrets. The data
 * key is wiped before returning; when a cache is given a copy is kept there, so the next open skips the unwrap.
 */
export async function sealKeyEnvelope(
  scheme: KeyEnvelopeScheme,
  algorithm: EnvelopeAlgorithm,
  plaintext: Uint8Array,
  associatedData: Buffer,
  keyContext: KeyContext,
): Promise<KeyEnvelope> {
  const dataKey = generateDataKey();
  try {
    const sealed = seal(algorithm, dataKey, plaintext, associatedData);
    const wrappedKey = await scheme.keyProvider.wrapKey(dataKey, keyContext);
    scheme.cache?.remember(wrappedKey, keyContext, dataKey);
    return { wrappedKey, ...sealed };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Opens an envelope sealed by {@link sealKeyEnvelope}: unwraps the data key (or takes it from the cache, where it
 * is filed under the wrapped key and the context, so a wrapped key copied elsewhere never hits), checks its length
 * and decrypts. The caller wipes the returned plaintext once it has decoded it.
 *
 * @throws {PelbiotError} INTEGRITY_ERROR when the wrapped key, the context or the payload fail authentication.
 */
export async function openKeyEnvelope(
  scheme: KeyEnvelopeScheme,
  algorithm: EnvelopeAlgorithm,
  envelope: KeyEnvelope,
  associatedData: Buffer,
  keyContext: KeyContext,
): Promise<Buffer> {
  const cached = scheme.cache?.recall(envelope.wrappedKey, keyContext);
  const dataKey = cached ?? (await scheme.keyProvider.unwrapKey(envelope.wrappedKey, keyContext));
  try {
    if (dataKey.length !== DATA_KEY_BYTES) {
      throw new PelbiotError("INTEGRITY_ERROR", "The unwrapped data key has the wrong length.");
    }
    const plaintext = open(algorithm, dataKey, envelope, associatedData);
    if (cached === undefined) scheme.cache?.remember(envelope.wrappedKey, keyContext, dataKey);
    return plaintext;
  } finally {
    // A cached key is the cache's own copy handed out for this call; the cache wipes its copy on eviction.
    if (cached === undefined) dataKey.fill(0);
  }
}
