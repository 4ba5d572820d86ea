import { describe, expect, it } from 'vitest';
import { remaining, shouldAnnounce } from './countdown';

describe('remaining', () => {
	const expiresAt = '2026-12-01T10:10:00+09:00';
	const at = (iso: string) => Date.parse(iso);
	it('shows ten minutes at the start of a hold', () => {
		expect(remaining(expiresAt, at('2026-12-01T10:00:00+09:00'))).toEqual({
			totalSeconds: 600, minutes: 10, seconds: 0, expired: false
		});
	});
	it('rounds part seconds up, so 0:00 means really over', () => {
		expect(remaining(expiresAt, at('2026-12-01T10:09:59.500+09:00'))).toMatchObject({ totalSeconds: 1, expired: false });
		expect(remaining(expiresAt, at('2026-12-01T10:10:00+09:00'))).toMatchObject({ totalSeconds: 0, expired: true });
	});
	it('never goes below zero', () => {
		expect(remaining(expiresAt, at('2026-12-01T11:00:00+09:00'))).toMatchObject({ totalSeconds: 0, minutes: 0, seconds: 0 });
	});
});

describe('shouldAnnounce', () => {
	it('speaks when a threshold is crossed, once', () => {
		expect(shouldAnnounce(301, 300)).toBe(true);
		expect(shouldAnnounce(300, 299)).toBe(false);
		expect(shouldAnnounce(61, 59)).toBe(true);
		expect(shouldAnnounce(500, 499)).toBe(false);
	});
});
