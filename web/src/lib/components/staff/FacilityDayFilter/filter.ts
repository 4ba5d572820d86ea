/**
 * What a staff day list keeps in its URL: the facility, the day, and the page size the
 * console asks the API for (`limit`, 1–100; without it the API's default).
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface FacilityDay {
	facilityId: string;
	day: string;
	limit: number | undefined;
}

/** The filter a page was opened with; `today` when the URL has no valid day. */
export function readFilter(params: URLSearchParams, today: string): FacilityDay {
	const day = params.get('date') ?? '';
	return { facilityId: params.get('facilityId') ?? '', day: DAY.test(day) ? day : today, limit: pageSize(params.get('limit')) };
}

/** A page size from the URL: a whole number from 1 to 100, or none. */
export function pageSize(text: string | null): number | undefined {
	if (text === null || !/^\d{1,3}$/.test(text)) return undefined;
	const n = Number(text);
	return n >= 1 && n <= 100 ? n : undefined;
}

/** The page's own URL for a filter (the page size kept when one was asked for). */
export function filterUrl(path: string, filter: FacilityDay): string {
	const query = new URLSearchParams({ facilityId: filter.facilityId, date: filter.day });
	if (filter.limit !== undefined) query.set('limit', String(filter.limit));
	return `${path}?${query}`;
}
