import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('TRUST_PROXY', () => {
  it('takes true, false, a hop count, or a list of proxy addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
      'loopback',
    ]);
  });

  it('refuses anything else, naming the entries that are not addresses', () => {
    for (const [value, bad] of [
      ['yes', '"yes"'],
      ['10.0.0.0/33', '"10.0.0.0/33"'],
      ['10.0.0.1, proxy.example.com', '"proxy.example.com"'],
      ['-1', '"-1"'],
      ['10.0.0.1,', '""'],
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(
        new RegExp(`TRUST_PROXY: expected true, false, a hop count .*not an address: ${bad}$`, 'm'),
      );
    }
  });
});

describe('REDIS_URL', () => {
  it('is unset by default, and must be a redis:// or rediss:// URL', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' }).redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
      /REDIS_URL: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
    );
  });
});
