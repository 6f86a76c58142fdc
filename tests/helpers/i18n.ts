import { catalogueTexts } from '../../src/shared/i18n/index.js';

/**
 * The English catalogue's words, as fragments between placeholders ("Back to your ticket {reference}"
 * → "Back to your ticket"): any of them in another language's page or mail is English left over.
 * A fragment needs a word of three letters: "to" and "by" between placeholders ("from {from} to
 * {to} by {name}") are no sign of English on their own.
 */
const englishFragments = catalogueTexts('en')
  .flatMap((m) => m.split(/\{\w+\}/))
  .map((f) => f.trim())
  .filter((f) => /\p{L}{3}/u.test(f));

/** What a reader meets in an HTML document: its text and the labels of its attributes (not its CSS). */
const readable = (doc: string) =>
  [
    ...[...doc.matchAll(/\b(?:title|aria-label|alt|placeholder)="([^"]*)"/g)].map((m) => m[1]),
    doc.replace(/<(style|script)\b[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]*>/g, ' '),
  ]
    .join('\n')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The English fragments found as whole words ("Change" is not in the French "Changer"). */
export const englishIn = (doc: string) => {
  const text = readable(doc);
  return englishFragments.filter((f) =>
    new RegExp(`(?<!\\p{L})${escapeRegExp(f)}(?!\\p{L})`, 'u').test(text),
  );
};
