/**
 * A WebAssembly module from its committed base64 text, compiled once on first use (synchronously: the kernels are a
 * few kB). `null` when WebAssembly or its SIMD is unavailable here (or refused, e.g. by a CSP): the caller then runs
 * its JavaScript twin.
 *
 * @param base64 - The module's bytes, base64-encoded.
 * @returns A function that gives the compiled module, or `null`, the same on every call.
 */
export function lazyWasmModule(base64: string): () => WebAssembly.Module | null {
  // undefined: not tried yet.
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled !== undefined) return compiled;
    compiled = null;
    if (typeof WebAssembly !== "object" || typeof atob !== "function") return compiled;
    try {
      const text = atob(base64);
      const bytes = new Uint8Array(text.length);
      for (let index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
    return compiled;
  };
}
