import { describe, expect, it } from 'vitest';
import type { Outcome } from '$lib/api/client';
import { PagedList, type Page } from './paged.svelte';

function server(pages: Record<string, Page<number>>) {
	const asked: (string | undefined)[] = [];
	const fetchPage = async (token: string | undefined): Promise<Outcome<Page<number>>> => {
		asked.push(token);
		if (token === 'broken') return { ok: false, problem: { status: 0, code: 'NETWORK', title: '', detail: '' } };
		return { ok: true, status: 200, data: pages[token ?? 'first']! };
	};
	return { asked, fetchPage };
}

describe('a paged list', () => {
	it('adds the next page to what is shown until there is none', async () => {
		const api = server({ first: { items: [1, 2], nextToken: 'p2' }, p2: { items: [3], nextToken: null } });
		const list = new PagedList(api.fetchPage);
		await list.load();
		expect(list.items).toEqual([1, 2]);
		expect(list.hasMore).toBe(true);
		await list.more();
		expect(list.items).toEqual([1, 2, 3]);
		expect(list.hasMore).toBe(false);
		await list.more(); // nothing more to ask for
		expect(api.asked).toEqual([undefined, 'p2']);
	});

	it('keeps what is shown when the next page fails, and can try again', async () => {
		const api = server({ first: { items: [1], nextToken: 'broken' } });
		const list = new PagedList(api.fetchPage);
		await list.load();
		await list.more();
		expect(list.items).toEqual([1]);
		expect(list.problem?.code).toBe('NETWORK');
		expect(list.hasMore).toBe(true);
	});

	it('reads the first page again on load', async () => {
		const api = server({ first: { items: [1], nextToken: 'p2' }, p2: { items: [2] } });
		const list = new PagedList(api.fetchPage);
		await list.load();
		await list.more();
		await list.load();
		expect(list.items).toEqual([1]);
	});

	it('shows the answer of the latest load when an earlier one comes back later', async () => {
		const answers: Record<string, (page: Page<number>) => void> = {};
		let filter = 'old';
		const list = new PagedList<number>(
			(token) =>
				new Promise((done) => {
					const key = token ?? filter;
					answers[key] = (page) => done({ ok: true, status: 200, data: page });
				})
		);
		const first = list.load();
		filter = 'new';
		const second = list.load();
		answers['new']!({ items: [7, 8], nextToken: 'n2' });
		await second;
		answers['old']!({ items: [1], nextToken: null });
		await first;
		expect(list.items).toEqual([7, 8]);
		expect(list.hasMore).toBe(true);
		expect(list.loading).toBe(false);
		// もっと見る while a page is on its way asks once
		const more = list.more();
		const again = list.more();
		answers['n2']!({ items: [9] });
		await Promise.all([more, again]);
		expect(list.items).toEqual([7, 8, 9]);
	});
});
