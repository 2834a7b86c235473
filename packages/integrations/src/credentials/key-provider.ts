// The key provider contract lives in internal/ so the shared envelope helpers do not import from this folder; it is
// re-exported here, unchanged, as part of the public API.
export type { KeyContext, KeyProvider, WrappedKey } from "../internal/key-provider-types";
