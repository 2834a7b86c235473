import { describe, expectTypeOf, it } from "vitest";
import { MobileAppConfig, type VersionStatus } from "../../src/config/mobile-app-config";
import { MobileUIOptimizer } from "../../src/ui/mobile-ui-optimizer";
import type { NavigationPattern, WidthSizeClass } from "../../src/ui/window-size-class";

describe("public types", () => {
  it("checkVersion returns one of four statuses", () => {
    const config = new MobileAppConfig({ minVersion: "1.0.0" });
    expectTypeOf(config.checkVersion("1.0.0").status).toEqualTypeOf<VersionStatus>();
    expectTypeOf<VersionStatus>().toEqualTypeOf<"ok" | "soft_update" | "force_update" | "unsupported">();
    expectTypeOf(config.negotiateLanguage(["pt-BR", "fr-CA"])).toEqualTypeOf<string>();
    // @ts-expect-error minVersion is a version string
    new MobileAppConfig({ minVersion: 1 });
    // @ts-expect-error a remote config needs its schema version
    config.applyRemoteConfig({ minVersion: "1.0.0" });
  });

  it("layouts carry literal classes and navigation patterns", () => {
    const layout = new MobileUIOptimizer().getLayout(400);
    expectTypeOf(layout.widthClass).toEqualTypeOf<WidthSizeClass>();
    expectTypeOf(layout.navigation).toEqualTypeOf<NavigationPattern>();
    // @ts-expect-error only AVIF, WebP and JPEG are planned
    new MobileUIOptimizer({ imageFormats: ["png"] });
  });
});
