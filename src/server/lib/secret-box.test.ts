import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const box = new SecretBox('k'.repeat(32));

describe('SecretBox: secrets at rest are encrypted and bound to their place', () => {
  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('bot-token-1234', 'discord.bot_token:a');
    expect(sealed).not.toContain('bot-token');
    expect(box.open(sealed, 'discord.bot_token:a')).toBe('bot-token-1234');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('refuses a value moved to another context, sealed under another key, or altered', () => {
    const sealed = box.seal('secret', 'imap.password:p1');
    expect(box.open(sealed, 'imap.password:p2')).toBeNull();
    expect(new SecretBox('x'.repeat(32)).open(sealed, 'imap.password:p1')).toBeNull();
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(box.open(flipped, 'imap.password:p1')).toBeNull();
    expect(box.open('v1.short', 'imap.password:p1')).toBeNull();
    expect(box.open('plain', 'imap.password:p1')).toBeNull();
  });
});
