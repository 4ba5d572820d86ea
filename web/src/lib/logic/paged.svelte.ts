/**
 * A list the API pages (`?limit=&nextToken=` → `{items, nextToken?}`), shown a page at a
 * time with a "もっと見る" control: `load()` reads the first page again, `more()` adds
 * the next one. A failed request keeps what is shown and says why.
 */
import type { Outcome, Problem } from '$lib/api/client';

export interface Page<T> {
	items: T[];
	nextToken?: string | null;
}

export class PagedList<T> {
	items = $state<T[] | null>(null);
	next = $state<string | null>(null);
	loading = $state(false);
	problem = $state<Problem | null>(null);

	constructor(private readonly fetchPage: (nextToken: string | undefined) => Promise<Outcome<Page<T>>>) {}

	get hasMore(): boolean {
		return this.next !== null;
	}

	async load(): Promise<void> {
		await this.read(undefined, true);
	}

	async more(): Promise<void> {
		if (this.next !== null) await this.read(this.next, false);
	}

	/** Counts reads: only the latest one's answer is shown. */
	private generation = 0;

	/**
	 * `load()` always reads (the filter may have changed while a page was on its way, and
	 * the answer for the old one is then dropped); `more()` waits its turn.
	 */
	private async read(token: string | undefined, fresh: boolean): Promise<void> {
		if (this.loading && !fresh) return;
		const mine = ++this.generation;
		this.loading = true;
		this.problem = null;
		try {
			const result = await this.fetchPage(token);
			if (mine !== this.generation) return;
			if (!result.ok) {
				this.problem = result.problem;
				return;
			}
			this.items = fresh || !this.items ? result.data.items : [...this.items, ...result.data.items];
			this.next = result.data.nextToken ?? null;
		} finally {
			if (mine === this.generation) this.loading = false;
		}
	}
}
