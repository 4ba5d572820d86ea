/**
 * "今すぐ抽選する" for staff, one rule for every page that offers it: a lottery whose
 * entries are closed is drawn after a confirmation; one whose entries are still open
 * (or not open yet) would close them early, which the API refuses unless forced with a
 * reason, so the reason is asked for first (`early`), then confirmed.
 */
import { api, call, type Problem } from '$lib/api/client';
import type { Lottery } from '$lib/api/types';
import { t } from '$lib/i18n/i18n.svelte';
import { FormState } from './form.svelte';

export interface DrawPage {
	/** "よろしいですか？" (the page's ConfirmDialog); true on OK. */
	ask(question: string): Promise<boolean> | undefined;
	/** The facility's name, for the questions. */
	name(facilityId: string): string;
	/** The early draw's reason form appeared: move focus to it. */
	focusEarly(): Promise<void>;
	/** The draw started (the workflow runs on): tell the member and reload. */
	started(): Promise<void>;
	/** A refusal that is not about the reason. */
	failed(problem: Problem): void;
}

/** Entries still open (or not yet open): drawing now would close them early. */
export const entriesOpen = (lottery: Lottery) => lottery.status === 'scheduled' || lottery.status === 'open';

export class LotteryDraw {
	/** The lottery whose entries are still open that staff are about to draw early. */
	early = $state<Lottery | null>(null);
	readonly reason = new FormState({ reason: '' });

	constructor(private readonly page: DrawPage) {}

	async draw(lottery: Lottery): Promise<void> {
		if (entriesOpen(lottery)) {
			await this.startEarly(lottery);
			return;
		}
		if (!(await this.page.ask(t('staff.drawQuestion', { facility: this.page.name(lottery.facilityId) })))) return;
		const result = await call(() =>
			api.POST('/v1/staff/lotteries/{lotteryId}/draw', { params: { path: { lotteryId: lottery.lotteryId } } })
		);
		if (!result.ok) {
			// entries may have been reopened in between: the API says so, and a reason is asked for
			if (result.problem.code === 'CONFLICT') await this.startEarly(lottery);
			else this.page.failed(result.problem);
			return;
		}
		await this.page.started();
	}

	async startEarly(lottery: Lottery): Promise<void> {
		this.early = lottery;
		this.reason.values = { reason: '' };
		this.reason.errors = {};
		this.reason.problem = null;
		await this.page.focusEarly();
	}

	async drawEarly(event: SubmitEvent): Promise<void> {
		event.preventDefault();
		const lottery = this.early;
		if (!lottery) return;
		const ok = this.reason.check((v) => ({ reason: v.reason.trim() ? undefined : t('error.required') }));
		if (!ok) return;
		if (!(await this.page.ask(t('staff.drawEarlyQuestion', { facility: this.page.name(lottery.facilityId) })))) return;
		const result = await this.reason.submit(() =>
			call(() =>
				api.POST('/v1/staff/lotteries/{lotteryId}/draw', {
					params: { path: { lotteryId: lottery.lotteryId } },
					body: { force: true, reason: this.reason.values.reason.trim() }
				})
			)
		);
		if (!result) return;
		if (!result.ok) {
			this.reason.fail(result.problem);
			return;
		}
		this.early = null;
		await this.page.started();
	}
}
