import { Fragment, type ReactNode } from 'react';
import { type StaffMessageKey, staffTranslator } from '../../../shared/i18n/staff';
import type { Params } from '../../../shared/i18n/translate';

/**
 * The staff app's messages. The app is English only, so one module-level translator is enough; a
 * second language would make this a context filled from the person's setting.
 */
export const t = staffTranslator('en');

/**
 * A message with elements in it (a <kbd>, a <strong>, a link): `{name}` placeholders not given as
 * params are replaced by the matching node, so the sentence stays one message to translate.
 */
export function tNodes(key: StaffMessageKey, nodes: Record<string, ReactNode>, params?: Params): ReactNode {
  return t(key, params)
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 ? <Fragment key={part}>{nodes[part]}</Fragment> : part));
}
