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

	private async read(token: string | undefined, fresh: boolean): Promise<void> {
		if (this.loading) return;
		this.loading = true;
		this.problem = null;
		try {
			const result = await this.fetchPage(token);
			if (!result.ok) {
				this.problem = result.problem;
				return;
			}
			this.items = fresh || !this.items ? result.data.items : [...this.items, ...result.data.items];
			this.next = result.data.nextToken ?? null;
		} finally {
			this.loading = false;
		}
	}
}
