/** The whole of `@pelbiot/analytics`, report exports included: Node only, so bundling it for a browser must fail. */
export { ReportGenerator } from "@pelbiot/analytics";
