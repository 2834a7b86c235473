/** A value, or a promise of it: adapters may answer synchronously or asynchronously, and core always awaits. */
export type MaybePromise<T> = T | Promise<T>;

/** A JSON value as stored and transmitted by PELBIOT. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
