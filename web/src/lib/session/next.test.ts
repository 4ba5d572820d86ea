import { describe, expect, it } from 'vitest';
import { loginFor, safeNext } from './next';

describe('safeNext', () => {
	it('keeps paths of this site', () => {
		expect(safeNext('/reservations?x=1')).toBe('/reservations?x=1');
	});
	it('refuses other origins and odd forms', () => {
		for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', null]) {
			expect(safeNext(bad)).toBe('/menu');
		}
	});
	it('builds the sign-in link with the way back', () => {
		expect(loginFor('/book?date=2026-12-01&f=a')).toBe('/login?next=%2Fbook%3Fdate%3D2026-12-01%26f%3Da');
	});
});
