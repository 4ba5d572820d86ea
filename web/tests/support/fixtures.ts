/**
 * What every browser test gets:
 * - `page` on the local runtime, failing the test on any CSP violation or page error;
 * - `expectAccessible(page)`: an axe-core scan at WCAG 2.1 AA, 0 violations allowed;
 * - `backend`: the API and the local-only routes, for what a citizen cannot do on a
 *   screen (read the e-mail outbox, act as staff, move the clock).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type APIRequestContext, type Page } from '@playwright/test';

export { expect };

export interface Mail {
	to: string[];
	subject: string;
	body: string;
	sentAt: string | null;
}

export class Backend {
	constructor(private readonly request: APIRequestContext) {}

	async json<T>(method: string, path: string, body?: unknown, token?: string, timeout?: number): Promise<T> {
		const response = await this.request.fetch(path, {
			method,
			...(timeout ? { timeout } : {}),
			data: body === undefined ? undefined : JSON.stringify(body),
			headers: {
				...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
				...(token ? { Authorization: `Bearer ${token}` } : {})
			}
		});
		const text = await response.text();
		if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async staffToken(): Promise<string> {
		const session = await this.json<{ token: string }>('POST', '/v1/staff/sessions', {
			staffId: 'demo-staff',
			password: 'demo-staff-password'
		});
		return session.token;
	}

	async outbox(): Promise<Mail[]> {
		return (await this.json<{ items: Mail[] }>('GET', '/_local/outbox')).items;
	}

	/** The newest e-mail to `address` whose subject contains `subject` (waits for it). */
	async mail(address: string, subject: string): Promise<Mail> {
		for (let i = 0; i < 120; i++) {
			const found = (await this.outbox()).filter((m) => m.to.includes(address) && m.subject.includes(subject));
			if (found.length) return found[found.length - 1]!;
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(`no e-mail "${subject}" to ${address}`);
	}

	/** The first link of an e-mail, made relative to the site (it points at SITE_URL). */
	static link(mail: Mail): string {
		const found = /https?:\/\/[^/\s]+(\/[^\s]+token=[\w-]+)/.exec(mail.body);
		if (!found) throw new Error(`no link in: ${mail.body}`);
		return found[1]!;
	}

	async today(): Promise<string> {
		// Tokyo's day, which from 15:00 UTC on is a day ahead of the UTC date in `now`.
		const clock = await this.json<{ today: string }>('GET', '/_local/clock');
		return clock.today;
	}

	async moveClock(offsetSeconds: number): Promise<void> {
		await this.json('POST', '/_local/clock', { offsetSeconds });
	}

	/** Staff open a lottery for minato-ohiradai over `stayFrom`..`stayTo`, open for entries now. */
	async createLottery(stayFrom: string, stayTo: string): Promise<{ lotteryId: string }> {
		const token = await this.staffToken();
		const clock = await this.json<{ now: string }>('GET', '/_local/clock');
		const now = Date.parse(clock.now);
		const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
		return this.json('POST', '/v1/staff/lotteries', {
			facilityId: 'minato-ohiradai', stayFrom, stayTo,
			applyFrom: at(-1), applyUntil: at(1), drawAt: at(2), maxPreferences: 3
		}, token);
	}

	/**
	 * Staff open a time-slot lottery for the demo tennis courts (ageo-tennis) over the
	 * month `period` (YYYY-MM), open for entries now; wins must be confirmed within
	 * `confirmWithinDays` days of the draw. Keeping a month of slots takes a while.
	 */
	async createSlotLottery(period: string, confirmWithinDays: number): Promise<{ lotteryId: string; confirmBy: string }> {
		const token = await this.staffToken();
		const clock = await this.json<{ now: string }>('GET', '/_local/clock');
		const now = Date.parse(clock.now);
		const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
		return this.json('POST', '/v1/staff/lotteries', {
			facilityId: 'ageo-tennis', period, applyFrom: at(-1), applyUntil: at(1), drawAt: at(2),
			maxPreferences: 4, maxWinsPerApplicant: 2, confirmWithinDays
		}, token, 180_000);
	}

	/** A citizen's API token (for what has no screen of its own in a test). */
	async citizenToken(userNumber: string, password: string): Promise<string> {
		return (await this.json<{ token: string }>('POST', '/v1/sessions', { userNumber, password })).token;
	}

	/** Staff start the draw now (the schedule would at drawAt) and wait until it is done.
	 * Entries are still open in these tests, so staff force it and say why, as the API asks. */
	async drawNow(lotteryId: string): Promise<void> {
		const token = await this.staffToken();
		const early = { force: true, reason: 'browser test: draw before entries close' };
		await this.json('POST', `/v1/staff/lotteries/${lotteryId}/draw`, early, token);
		for (let i = 0; i < 240; i++) {
			const lottery = await this.json<{ status: string }>('GET', `/v1/lotteries/${lotteryId}`);
			if (lottery.status === 'drawn') return;
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(`lottery ${lotteryId} was not drawn`);
	}

	/** Staff approve the newest application of a user (the staff console is not built yet). */
	async approve(userNumber: string): Promise<void> {
		await this.decide(userNumber, 'approve');
	}

	/** Staff decide on the open application of a user: approve, return or reject. */
	async decide(userNumber: string, decision: 'approve' | 'return' | 'reject', reason?: string): Promise<void> {
		const token = await this.staffToken();
		for (const status of ['received', 'accepted']) {
			const queue = await this.json<{ items: { applicationId: string; userNumber: string }[] }>(
				'GET',
				`/v1/staff/reviews?status=${status}`,
				undefined,
				token
			);
			const mine = queue.items.find((item) => item.userNumber === userNumber);
			if (mine) {
				await this.json('GET', `/v1/staff/reviews/${mine.applicationId}`, undefined, token);
				const body = reason ? { decision, reason } : { decision };
				await this.json('POST', `/v1/staff/reviews/${mine.applicationId}/decision`, body, token);
				return;
			}
		}
		throw new Error(`no application of ${userNumber} to decide on`);
	}
}

let unique = 0;
/** An e-mail address no other test (or earlier run on the same runtime) uses. */
export function uniqueEmail(label: string): string {
	unique += 1;
	return `${label}-${Date.now()}-${unique}@example.jp`;
}

export async function expectAccessible(page: Page, label = ''): Promise<void> {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	const summary = results.violations.map(
		(v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`
	);
	expect(summary, `axe violations ${label} on ${page.url()}`).toEqual([]);
}

export const test = base.extend<{ backend: Backend }>({
	baseURL: async ({}, use) => {
		await use(process.env.YOYAKU_URL);
	},
	page: async ({ page }, use) => {
		const problems: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
				problems.push(message.text());
			}
		});
		page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
		await use(page);
		expect(problems, 'CSP violations or script errors').toEqual([]);
	},
	backend: async ({ request }, use) => {
		await use(new Backend(request));
	}
});
