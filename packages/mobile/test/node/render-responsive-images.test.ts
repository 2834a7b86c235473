import { PelbiotError } from "@pelbiot/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderResponsiveImages, type SharpModule } from "../../src/node/render-responsive-images";
import { MobileUIOptimizer } from "../../src/ui/mobile-ui-optimizer";

// A real 1600×900 photo-like source: a gradient with an opaque block, encoded as PNG.
async function sourceImage(): Promise<Buffer> {
  const width = 1600;
  const height = 900;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * 255) / width;
      pixels[offset + 1] = (y * 255) / height;
      pixels[offset + 2] = x > 600 && x < 1000 && y > 300 && y < 600 ? 255 : 40;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe("renderResponsiveImages", () => {
  it("encodes every planned width in AVIF, WebP and JPEG, read back by an independent decoder", async () => {
    const plan = new MobileUIOptimizer().optimizeImage({
      src: "/hero.png",
      intrinsicWidth: 1600,
      intrinsicHeight: 900,
      sizes: [{ slot: "100vw" }],
    });
    const images = await renderResponsiveImages(await sourceImage(), plan);
    const formats = [...new Set(images.map((image) => image.format))];
    expect(formats).toEqual([...plan.sources.map((source) => source.format), "jpeg"]);
    expect(images).toHaveLength(formats.length * plan.widths.length);
    for (const image of images) {
      // libvips re-reads each file from its bytes alone: container, size and aspect ratio must be what we claim.
      const metadata = await sharp(image.bytes).metadata();
      expect(metadata.format === "heif" ? "avif" : metadata.format).toBe(image.format);
      expect(metadata.width).toBe(image.width);
      expect(metadata.height).toBe(image.height);
      expect(Math.abs(image.height - Math.round((image.width * 900) / 1600))).toBeLessThanOrEqual(1);
      expect(plan.widths).toContain(image.width);
    }
    // AVIF at quality 50 is smaller than JPEG at 80 for the same width.
    const widest = Math.max(...plan.widths);
    const bytesOf = (format: string) =>
      images.find((image) => image.format === format && image.width === widest)?.bytes.length ?? 0;
    expect(bytesOf("avif")).toBeLessThan(bytesOf("jpeg"));
  }, 60_000);

  it("never enlarges a small source", async () => {
    const small = await sharp({ create: { width: 200, height: 100, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const plan = new MobileUIOptimizer().optimizeImage({
      src: "/s.png",
      intrinsicWidth: 200,
      sizes: [{ slot: "100vw" }],
    });
    const images = await renderResponsiveImages(small, plan);
    for (const image of images) expect(image.width).toBeLessThanOrEqual(200);
  });

  it("rejects malformed plans and reports decoder failures as PROVIDER_ERROR", async () => {
    const plan = new MobileUIOptimizer().optimizeImage({
      src: "/s.png",
      intrinsicWidth: 400,
      sizes: [{ slot: "100vw" }],
    });
    await expect(renderResponsiveImages(new Uint8Array(), { ...plan, widths: [] })).rejects.toThrow(
      /plan.widths: must hold at least 1 item/,
    );
    const failure = await renderResponsiveImages(new Uint8Array([1, 2, 3]), plan).catch((error: unknown) => error);
    expect(PelbiotError.is(failure, "PROVIDER_ERROR")).toBe(true);
    const throwing: SharpModule = () => {
      throw new Error("no codec");
    };
    await expect(renderResponsiveImages(new Uint8Array([1]), plan, { sharp: throwing })).rejects.toThrow(/no codec/);
  });
});
