/** The `%`, `_` and `\` a user types, escaped, so they match themselves instead of acting as wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A LIKE / ILIKE pattern matching `text` anywhere. */
export const likeContaining = (text: string) => `%${escapeLike(text)}%`;

/** A LIKE pattern matching what starts with `text` (escaped the same way): a btree range can serve it. */
export const likeStartingWith = (text: string) => `${escapeLike(text)}%`;
