/** A value Stripe's form encoding can carry. */
export type StripeFormValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly StripeFormValue[]
  | { readonly [key: string]: StripeFormValue };

/**
 * Encodes parameters the way Stripe's API reads them (and stripe-node writes them): nested objects as bracket keys
 * (`metadata[order_id]=6735`, OpenAPI deepObject), arrays with indices (`payment_method_types[0]=card`), `undefined`
 * skipped, `null` sent empty (unsets a field), booleans as `true`/`false`. Percent-encoding is left to
 * `URLSearchParams` (application/x-www-form-urlencoded per the WHATWG URL standard).
 *
 * @param params - The parameters.
 * @returns The request body.
 */
export function encodeStripeForm(params: Readonly<Record<string, StripeFormValue>>): string {
  const form = new URLSearchParams();
  const append = (key: string, value: StripeFormValue): void => {
    if (value === undefined) return;
    if (value === null) form.append(key, "");
    else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) append(`${key}[${index}]`, item);
    } else if (typeof value === "object") {
      for (const [child, item] of Object.entries(value)) append(`${key}[${child}]`, item);
    } else form.append(key, String(value));
  };
  for (const [key, value] of Object.entries(params)) append(key, value);
  return form.toString();
}
