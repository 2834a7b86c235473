import type { Clock } from "@pelbiot/core";
import { createHybridLogicalClock, type HybridLogicalClock } from "./hybrid-logical-clock";

/** One hybrid logical clock per device, created on first use. */
export interface DeviceClocks {
  /**
   * A fresh timestamp of the device.
   *
   * @param deviceId - The device (the clock's node id).
   * @returns The timestamp.
   */
  now(deviceId: string): string;
  /**
   * Advances the device's clock past a timestamp it received. A stamp too far in the future is ignored: it must not
   * block the sync, it only stops advancing the clock.
   *
   * @param deviceId - The device.
   * @param stamp - The received timestamp.
   */
  receive(deviceId: string, stamp: string): void;
}

/**
 * Creates the hybrid logical clocks of a manager's devices.
 *
 * @param clock - The physical time source.
 * @returns The device clocks.
 */
export function createDeviceClocks(clock: Clock): DeviceClocks {
  const clocks = new Map<string, HybridLogicalClock>();
  const of = (deviceId: string): HybridLogicalClock => {
    let hlc = clocks.get(deviceId);
    if (hlc === undefined) {
      hlc = createHybridLogicalClock({ nodeId: deviceId, clock });
      clocks.set(deviceId, hlc);
    }
    return hlc;
  };
  return {
    now: (deviceId) => of(deviceId).now(),
    receive(deviceId, stamp) {
      try {
        of(deviceId).receive(stamp);
      } catch {
        // Far ahead of this device's clock: ignored (see above).
      }
    },
  };
}
