import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import FacilityDayFilter from './FacilityDayFilter.svelte';
import { filterUrl, pageSize, readFilter } from './filter';

const facilities = [
	{ facilityId: 'inn', name: '大平台みなと荘' },
	{ facilityId: 'gym', name: '上尾市民体育館' }
];

/** The server-rendered HTML without Svelte's scoping classes and markers. */
function html(props: Parameters<typeof render<typeof FacilityDayFilter>>[1]): string {
	return render(FacilityDayFilter, props)
		.body.replace(/ class="[^"]*"/g, '')
		.replace(/<!--[^>]*-->/g, '');
}

describe('the facility-and-day filter', () => {
	it('is one named form: a labelled select of the facilities, a date field and 表示する', () => {
		const body = html({ props: { facilities, facilityId: 'gym', day: '2030-06-10', onshow: () => {} } });
		expect(body).toMatch(/<form[^>]*aria-label="表示する"/);
		expect(body).toMatch(/<label for="field-facilityId">施設<\/label>/);
		expect(body.match(/<option /g)).toHaveLength(2);
		expect(body).toContain('大平台みなと荘');
		expect(body).toMatch(/<option value="gym"[^>]*selected/);
		expect(body).toMatch(/<label for="field-date">利用日/);
		expect(body).toMatch(/type="date"[^>]*value="2030-06-10"|value="2030-06-10"[^>]*type="date"/);
		expect(body).toMatch(/<button type="submit">表示する<\/button>/);
	});

	it('takes the date label of the page', () => {
		const body = html({ props: { facilities, facilityId: 'inn', day: '2030-06-10', dayLabel: '予約日', onshow: () => {} } });
		expect(body).toMatch(/<label for="field-date">予約日/);
	});
});

describe('the filter in the URL', () => {
	it('reads the facility, a valid day and a page size', () => {
		const params = new URLSearchParams('facilityId=inn&date=2030-06-10&limit=2');
		expect(readFilter(params, '2026-12-02')).toEqual({ facilityId: 'inn', day: '2030-06-10', limit: 2 });
	});

	it('falls back to today and the API default for what is missing or wrong', () => {
		expect(readFilter(new URLSearchParams('date=2030-6-1&limit=0'), '2026-12-02')).toEqual({
			facilityId: '',
			day: '2026-12-02',
			limit: undefined
		});
	});

	it('accepts page sizes from 1 to 100 only', () => {
		expect([null, '', '0', '1', '100', '101', '2.5', '-1', 'x'].map(pageSize)).toEqual([
			undefined,
			undefined,
			undefined,
			1,
			100,
			undefined,
			undefined,
			undefined,
			undefined
		]);
	});

	it('writes the page URL back, keeping a page size that was asked for', () => {
		expect(filterUrl('/staff/reservations', { facilityId: 'a&b', day: '2030-06-10', limit: undefined })).toBe(
			'/staff/reservations?facilityId=a%26b&date=2030-06-10'
		);
		expect(filterUrl('/staff/appointments', { facilityId: 'inn', day: '2030-06-10', limit: 2 })).toBe(
			'/staff/appointments?facilityId=inn&date=2030-06-10&limit=2'
		);
	});
});
