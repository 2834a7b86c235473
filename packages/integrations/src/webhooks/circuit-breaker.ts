import { type Clock, sleep } from "@pelbiot/core";

interface CircuitState {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** The clock that measures cooldowns and drives the waits. */
  clock: Clock;
  /** Consecutive failures after which an endpoint's circuit opens. */
  failureThreshold: number;
  /** How long an open circuit waits before letting one probe through, in milliseconds. */
  cooldownMs: number;
  /** Ends every wait when the manager closes. */
  signal: AbortSignal;
}

/**
 * One circuit per endpoint, in memory: after `failureThreshold` consecutive failures the endpoint's deliveries wait
 * out a cooldown, then a single probe goes through; its success closes the circuit, its failure reopens it. Other
 * endpoints are never delayed by it.
 */
export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #signal: AbortSignal;
  readonly #circuits = new Map<string, CircuitState>();

  constructor(options: CircuitBreakerOptions) {
    const { clock, failureThreshold, cooldownMs, signal } = options;
    this.#clock = clock;
    this.#failureThreshold = failureThreshold;
    this.#cooldownMs = cooldownMs;
    this.#signal = signal;
  }

  /**
   * Waits while the endpoint's circuit is open, calling `onWait` before each wait; returns whether it had to wait.
   * When it returns after a cooldown, the caller holds the probe and must report its outcome with `record` (or give
   * it back with `releaseProbe`).
   */
  async waitUntilClosed(endpointId: string, onWait: () => void): Promise<boolean> {
    let waited = false;
    for (;;) {
      const circuit = this.#circuits.get(endpointId);
      if (circuit === undefined || circuit.failures < this.#failureThreshold) return waited;
      const now = this.#clock.now();
      if (now >= circuit.openUntil && !circuit.probing) {
        circuit.probing = true;
        return waited;
      }
      waited = true;
      onWait();
      const wait = circuit.openUntil > now ? circuit.openUntil - now : this.#cooldownMs;
      await sleep(Math.max(wait, 1), { clock: this.#clock, signal: this.#signal });
    }
  }

  /** Gives back a probe that was not used, so another delivery can take it. */
  releaseProbe(endpointId: string): void {
    const circuit = this.#circuits.get(endpointId);
    if (circuit !== undefined) circuit.probing = false;
  }

  /** Records an attempt's outcome: a success closes the circuit, a failure counts towards opening it. */
  record(endpointId: string, success: boolean): void {
    if (success) {
      this.#circuits.delete(endpointId);
      return;
    }
    const circuit = this.#circuits.get(endpointId) ?? { failures: 0, openUntil: 0, probing: false };
    circuit.failures += 1;
    circuit.probing = false;
    if (circuit.failures >= this.#failureThreshold) circuit.openUntil = this.#clock.now() + this.#cooldownMs;
    this.#circuits.set(endpointId, circuit);
  }

  /** Forgets an endpoint's circuit (it was re-enabled or deleted). */
  reset(endpointId: string): void {
    this.#circuits.delete(endpointId);
  }
}
