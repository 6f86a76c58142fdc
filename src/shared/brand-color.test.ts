import { describe, expect, it } from 'vitest';
import {
  brandPalette,
  contrastRatio,
  LINK_BACKGROUND,
  MIN_TEXT_CONTRAST,
  readableShade,
  relativeLuminance,
  textColorOn,
} from './brand-color.js';

const round = (n: number) => Math.round(n * 100) / 100;

describe('WCAG contrast', () => {
  it('matches the known pairs of the WCAG definition', () => {
    expect(relativeLuminance('#ffffff')).toBe(1);
    expect(relativeLuminance('#000000')).toBe(0);
    expect(contrastRatio('#000000', '#ffffff')).toBe(21);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // #767676 is the lightest grey that passes AA on white; #777777 fails it.
    expect(round(contrastRatio('#767676', '#ffffff'))).toBe(4.54);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(round(contrastRatio('#0000ff', '#ffffff'))).toBe(8.59);
    expect(round(contrastRatio('#ff0000', '#ffffff'))).toBe(4);
  });

  it('is symmetric: which colour is lighter does not matter', () => {
    expect(contrastRatio('#2b59c3', '#16181d')).toBe(contrastRatio('#16181d', '#2b59c3'));
  });
});

describe('text on a brand-coloured button stays readable', () => {
  it('is white on dark colours and black on light ones', () => {
    expect(textColorOn('#2b59c3')).toBe('#ffffff');
    expect(textColorOn('#000080')).toBe('#ffffff');
    expect(textColorOn('#ffd400')).toBe('#000000');
    expect(textColorOn('#ffffff')).toBe('#000000');
  });

  it('reaches 4.5:1 for every colour, mid-tones included', () => {
    for (let v = 0; v < 256; v += 5) {
      for (const hex of [
        `#${v.toString(16).padStart(2, '0').repeat(3)}`,
        `#ff${v.toString(16).padStart(2, '0')}00`,
        `#00${v.toString(16).padStart(2, '0')}ff`,
      ]) {
        expect(contrastRatio(textColorOn(hex), hex), hex).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
    }
  });
});

describe('links in the brand colour stay readable on the page in both themes', () => {
  it('keeps a colour that already reads well', () => {
    expect(readableShade('#2b59c3', LINK_BACKGROUND.light)).toBe('#2b59c3');
    expect(readableShade('#8fb0f5', LINK_BACKGROUND.dark)).toBe('#8fb0f5');
  });

  it('darkens a light colour on the light theme and lightens a dark one on the dark theme, to 4.5:1', () => {
    const yellow = readableShade('#ffd400', LINK_BACKGROUND.light);
    expect(yellow).not.toBe('#ffd400');
    expect(contrastRatio(yellow, LINK_BACKGROUND.light)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    const navy = readableShade('#000080', LINK_BACKGROUND.dark);
    expect(navy).not.toBe('#000080');
    expect(contrastRatio(navy, LINK_BACKGROUND.dark)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it('a shade readable on the surface is readable on the page background too', () => {
    const p = brandPalette('#ffd400');
    expect(contrastRatio(p.linkLight, '#ffffff')).toBeGreaterThan(
      contrastRatio(p.linkLight, LINK_BACKGROUND.light),
    );
    expect(contrastRatio(p.linkDark, '#16181d')).toBeGreaterThan(
      contrastRatio(p.linkDark, LINK_BACKGROUND.dark),
    );
  });

  it('finds a shade for any colour, so none has to be refused', () => {
    for (const hex of ['#ffffff', '#000000', '#777777', '#ff0000', '#00ff00', '#2b59c3', '#ffd400']) {
      const p = brandPalette(hex);
      expect(contrastRatio(p.linkLight, LINK_BACKGROUND.light), hex).toBeGreaterThanOrEqual(
        MIN_TEXT_CONTRAST,
      );
      expect(contrastRatio(p.linkDark, LINK_BACKGROUND.dark), hex).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });
});
