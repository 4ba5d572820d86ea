import { describe, expect, it } from 'vitest';
import { FormState } from './form.svelte';
import { sendWithReason } from './reasoned';

const conflict = { status: 409, code: 'CONFLICT', title: '', detail: 'cancelled already' };

describe('sendWithReason', () => {
	it('asks for a reason first, without asking the member or sending', async () => {
		const form = new FormState({ reason: '  ' });
		const asked: string[] = [];
		const sent: string[] = [];
		const done = await sendWithReason(form, async (q) => (asked.push(q), true), 'OK?', async (r) => (sent.push(r), { ok: true as const, data: 1, status: 200 }));
		expect(done).toBeUndefined();
		expect(form.error('reason')).toBeTruthy();
		expect([asked, sent]).toEqual([[], []]);
	});
	it('sends nothing when the member does not confirm', async () => {
		const form = new FormState({ reason: 'phoned' });
		const sent: string[] = [];
		const done = await sendWithReason(form, async () => false, 'OK?', async (r) => (sent.push(r), { ok: true as const, data: 1, status: 200 }));
		expect([done, sent]).toEqual([undefined, []]);
	});
	it('sends the trimmed reason once confirmed, and keeps a refusal on the form', async () => {
		const form = new FormState({ reason: ' phoned ' });
		const sent: string[] = [];
		expect(await sendWithReason(form, async () => true, 'OK?', async (r) => (sent.push(r), { ok: true as const, data: 7, status: 200 }))).toBe(7);
		expect(sent).toEqual(['phoned']);
		expect(await sendWithReason(form, async () => true, 'OK?', async () => ({ ok: false as const, problem: conflict }))).toBeUndefined();
		expect(form.problem?.code).toBe('CONFLICT');
		expect(form.values.reason).toBe(' phoned ');
	});
});
