import { PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { checkPluralCoverage } from "../../src/config/check-plural-coverage";
import { getPluralCategories, getTextDirection } from "../../src/config/negotiate-language";

describe("getPluralCategories", () => {
  it("reads CLDR categories from Intl.PluralRules in CLDR order", () => {
    expect(getPluralCategories("en")).toEqual(["one", "other"]);
    expect(getPluralCategories("ja")).toEqual(["other"]);
    expect(getPluralCategories("pl")).toEqual(["one", "few", "many", "other"]);
    expect(getPluralCategories("ar")).toEqual(["zero", "one", "two", "few", "many", "other"]);
    expect(getPluralCategories("en", "ordinal")).toEqual(["one", "two", "few", "other"]);
  });
});

describe("getTextDirection", () => {
  it.each([
    ["ar", "rtl"],
    ["he", "rtl"],
    ["fa-IR", "rtl"],
    ["ur", "rtl"],
    ["az-Arab", "rtl"],
    ["az", "ltr"],
    ["en", "ltr"],
    ["zh-Hant", "ltr"],
  ] as const)("%s is %s", (tag, direction) => {
    expect(getTextDirection(tag)).toBe(direction);
  });
});

describe("checkPluralCoverage", () => {
  it("finds missing categories per locale and message", () => {
    const report = checkPluralCoverage({
      en: { files: { one: "# file", other: "# files" }, title: "Files" },
      pl: { files: { one: "# plik", few: "# pliki", other: "# pliku" } },
      ar: { files: { other: "# ملفات" } },
      ja: { files: { other: "#ファイル" } },
    });
    expect(report.gaps).toEqual([
      { locale: "pl", key: "files", missing: ["many"] },
      { locale: "ar", key: "files", missing: ["zero", "one", "two", "few", "many"] },
    ]);
    expect(report.complete).toBe(false);
  });

  it("is complete when every category is there and the locales match", () => {
    const report = checkPluralCoverage(
      { en: { files: { one: "# file", other: "# files" } }, ja: { files: { other: "#" } } },
      { expectedLocales: ["en", "ja"] },
    );
    expect(report).toEqual({ complete: true, gaps: [], missingLocales: [], unexpectedLocales: [] });
  });

  it("reports missing and unexpected locales", () => {
    const report = checkPluralCoverage({ "es-ES": { title: "Archivos" } }, { expectedLocales: ["es", "en"] });
    expect(report.missingLocales).toEqual(["es", "en"]);
    expect(report.unexpectedLocales).toEqual(["es-ES"]);
  });

  it("rejects malformed options", () => {
    expect(() => checkPluralCoverage({}, null as never)).toThrow(PelbiotValidationError);
    expect(() => checkPluralCoverage({}, { type: "ordinals" as never })).toThrow(/options.type/);
    expect(() => checkPluralCoverage({}, { expectedLocales: ["en", "@"] })).toThrow(/options.expectedLocales.1/);
  });

  it("rejects a malformed table, listing every issue", () => {
    try {
      checkPluralCoverage({
        "@@": {},
        en: { files: { one: "a", lots: "b", other: 3 }, bad: 5 },
        fr: "nope",
      } as never);
      expect.unreachable();
    } catch (error) {
      expect(PelbiotValidationError.isValidationError(error)).toBe(true);
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "table.@@",
        "table.en.files.lots",
        "table.en.files.other",
        "table.en.bad",
        "table.fr",
      ]);
    }
  });
});
