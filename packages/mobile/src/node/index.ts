/**
 * @module @pelbiot/mobile/node
 *
 * Node-only helpers for the mobile package: encoding the renditions of a responsive-image plan with `sharp` (an
 * optional peer dependency).
 */

export { type ApnsTransport, type ApnsTransportOptions, createApnsTransport } from "./apns-transport";
export {
  type RenderedImage,
  type RenderResponsiveImagesOptions,
  renderResponsiveImages,
  type SharpModule,
  type SharpPipeline,
} from "./render-responsive-images";
export {
  createWebPushTransport,
  type VapidDetails,
  type WebPushModule,
  type WebPushTransportOptions,
} from "./web-push-transport";
