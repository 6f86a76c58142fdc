/**
 * A LIKE / ILIKE pattern matching `text` anywhere: the `%`, `_` and `\` a user types are escaped, so
 * they match themselves instead of acting as wildcards.
 */
export const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
