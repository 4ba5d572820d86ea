/**
 * The state of a staff list of one facility's day around FacilityDayFilter: the filter
 * as chosen (bound to the component, opened from the URL), the facility and day of the
 * list shown (the filter may have changed since), and that list, a page at a time.
 */
import { goto } from '$app/navigation';
import type { Outcome } from '$lib/api/client';
import { todayInTokyo } from '$lib/logic/dates';
import { PagedList, type Page } from '$lib/logic/paged.svelte';
import { filterUrl, readFilter, type FacilityDay } from './filter';

export class FacilityDayList<T> {
	facilityId = $state('');
	day = $state('');
	shown = $state({ facilityId: '', day: '' });
	/** The page size the URL asked for, kept in it and sent to the API. */
	readonly limit: number | undefined;
	readonly list: PagedList<T>;

	/**
	 * `path` is the page's own (its URL keeps the filter); `fetchPage` reads a page of the
	 * list shown, in the API's page size.
	 */
	constructor(
		private readonly path: string,
		params: URLSearchParams,
		fetchPage: (shown: FacilityDay, nextToken: string | undefined) => Promise<Outcome<Page<T>>>
	) {
		const opened = readFilter(params, todayInTokyo());
		this.facilityId = opened.facilityId;
		this.day = opened.day;
		this.limit = opened.limit;
		this.list = new PagedList<T>((nextToken) => fetchPage({ ...this.shown, limit: this.limit }, nextToken));
	}

	/** Whether a facility and a day are chosen, so that there is a list to read. */
	get chosen(): boolean {
		return Boolean(this.facilityId && this.day);
	}

	/** The first page of the chosen facility's day, which becomes the one shown. */
	async load(): Promise<void> {
		this.shown = { facilityId: this.facilityId, day: this.day };
		await this.list.load();
	}

	/** The chosen facility and day into the page's URL, in place of the one before. */
	async keepInUrl(): Promise<void> {
		await goto(filterUrl(this.path, { facilityId: this.facilityId, day: this.day, limit: this.limit }), {
			replaceState: true,
			keepFocus: true,
			noScroll: true
		});
	}
}
