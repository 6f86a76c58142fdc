/**
 * The account's brand colour and the colours derived from it that keep text readable (WCAG 2.x
 * contrast): the text on a brand-coloured button, and a shade of the brand colour for links and
 * focus rings on the page background of each theme.
 */

/** A brand colour as stored and accepted by the API: `#rrggbb`, lower case once stored. */
export const BRAND_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** The colour of accounts that chose none. */
export const DEFAULT_BRAND_COLOR = '#2b59c3';

/** WCAG AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

/**
 * Of the two backgrounds of each theme in src/web/static/customer.css (page and surface: the
 * customer's messages, notices), the one closer to the link colour: a shade readable on it is readable
 * on both.
 */
export const LINK_BACKGROUND = { light: '#f3f4f6', dark: '#262a31' } as const;

const WHITE = '#ffffff';
const BLACK = '#000000';

type Rgb = [number, number, number];

const toRgb = (hex: string): Rgb => {
  if (!BRAND_COLOR_PATTERN.test(hex)) throw new Error(`Not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
};

const toHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = toRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours, 1 to 21, whichever is lighter. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * White or black, whichever is more readable on the colour. One of them always reaches 4.58:1 (a
 * near-black such as #111 would not, for mid-tones around #767676).
 */
export const textColorOn = (background: string) =>
  contrastRatio(WHITE, background) >= contrastRatio(BLACK, background) ? WHITE : BLACK;

/**
 * The brand colour itself when it reaches 4.5:1 on the background, else the nearest shade towards
 * black (light background) or white (dark background) that does: mixing far enough always gets
 * there, so no colour has to be refused.
 */
export function readableShade(color: string, background: string): string {
  if (contrastRatio(color, background) >= MIN_TEXT_CONTRAST) return color;
  const target = toRgb(textColorOn(background));
  const from = toRgb(color);
  for (let step = 1; step <= 100; step++) {
    const shade = toHex(from.map((c, i) => c + ((target[i] as number) - c) * (step / 100)) as Rgb);
    if (contrastRatio(shade, background) >= MIN_TEXT_CONTRAST) return shade;
  }
  return toHex(target);
}

export interface BrandPalette {
  /** Button backgrounds, badges. */
  brand: string;
  /** Text on `brand`. */
  onBrand: string;
  /** Links and focus rings on the light and on the dark page background. */
  linkLight: string;
  linkDark: string;
}

export const brandPalette = (color: string): BrandPalette => ({
  brand: color,
  onBrand: textColorOn(color),
  linkLight: readableShade(color, LINK_BACKGROUND.light),
  linkDark: readableShade(color, LINK_BACKGROUND.dark),
});
