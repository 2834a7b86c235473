import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CompiledTemplate,
  compileTemplate,
  escapeHtml,
  missingPlaceholders,
  renderTemplate,
} from "../../src/messaging/message-template";

function compile(source: string): CompiledTemplate {
  const result = compileTemplate(source);
  if ("error" in result) throw new Error(result.error);
  return result;
}

describe("message templates", () => {
  it("fills the guide's {placeholder} syntax and keeps doubled braces literal", () => {
    expect(renderTemplate(compile("Your OTP is {code}"), { code: "123456" })).toBe("Your OTP is 123456");
    expect(renderTemplate(compile("{{code}} is {code}; {a}{b}"), { code: 1, a: true, b: "x" })).toBe(
      "{code} is 1; truex",
    );
    expect(compile("{a} {b} {a}").placeholders).toEqual(["a", "b"]);
  });

  it("lists the missing variables instead of leaving {code} in the text", () => {
    const template = compile("Your OTP is {code}, hi {name}");
    expect(missingPlaceholders(template, { name: "Ada" })).toEqual(["code"]);
    expect(missingPlaceholders(template, { code: "", name: "Ada" })).toEqual([]);
    // Inherited properties are not values.
    expect(missingPlaceholders(compile("{toString}"), {})).toEqual(["toString"]);
  });

  it.each(["{", "}", "{code", "{1code}", "{co de}", "{}", "a}b"])("refuses %j", (source) => {
    expect("error" in compileTemplate(source)).toBe(true);
  });

  it("escaped HTML values never open a tag and read back to the value", () => {
    const template = compile("<p>{value}</p>");
    fc.assert(
      fc.property(fc.string(), (value) => {
        const html = renderTemplate(template, { value }, escapeHtml);
        const inner = html.slice(3, -4);
        expect(inner).not.toMatch(/[<>"']/);
        const decoded = inner
          .replaceAll("&lt;", "<")
          .replaceAll("&gt;", ">")
          .replaceAll("&quot;", '"')
          .replaceAll("&#39;", "'")
          .replaceAll("&amp;", "&");
        expect(decoded).toBe(value);
      }),
    );
  });

  it("a template's literal text survives any values", () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !/[{}]/.test(text)),
        fc.string(),
        (text, value) => {
          expect(renderTemplate(compile(`${text}{v}${text}`), { v: value })).toBe(`${text}${value}${text}`);
        },
      ),
    );
  });
});
