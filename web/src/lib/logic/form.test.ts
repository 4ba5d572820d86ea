import { describe, expect, it } from 'vitest';
import { FormState, unplacedErrors } from './form.svelte';
import type { Problem } from '$lib/api/client';

const invalid: Problem = {
	status: 422,
	code: 'VALIDATION_FAILED',
	title: '入力内容に誤りがあります',
	detail: '',
	errors: [
		{ field: 'address.postalCode', message: '7桁の数字で入力してください。' },
		{ field: 'body', message: 'x' }
	]
};

describe('FormState', () => {
	it('puts API field errors next to their fields and keeps what was typed', () => {
		const form = new FormState({ postalCode: '12' });
		form.fail(invalid);
		expect(form.error('address.postalCode')).toBe('7桁の数字で入力してください。');
		expect(form.values.postalCode).toBe('12');
		expect(unplacedErrors(form.problem, ['address.postalCode'])).toEqual(['x']);
	});
	it('forgets a field error once the user edits the field', () => {
		const form = new FormState({ postalCode: '12' });
		form.fail(invalid);
		form.touched('address.postalCode');
		expect(form.error('address.postalCode')).toBeUndefined();
		expect(form.error('body')).toBe('x');
	});
	it('runs browser checks and reports only failures', () => {
		const form = new FormState({ email: 'a@example.jp', again: 'b@example.jp' });
		const ok = form.check((v) => ({ again: v.email === v.again ? undefined : 'mismatch', email: undefined }));
		expect(ok).toBe(false);
		expect(form.errors).toEqual({ again: 'mismatch' });
	});
	it('sends once at a time and is free again after a failure', async () => {
		const form = new FormState({});
		let release: () => void = () => {};
		const first = form.submit(() => new Promise<string>((r) => (release = () => r('done'))));
		expect(form.submitting).toBe(true);
		expect(await form.submit(async () => 'second')).toBeUndefined();
		release();
		expect(await first).toBe('done');
		expect(form.submitting).toBe(false);
		await expect(form.submit(async () => { throw new Error('x'); })).rejects.toThrow('x');
		expect(form.submitting).toBe(false);
	});
	it('knows when the problem is a lost network', () => {
		const form = new FormState({});
		form.fail({ status: 0, code: 'NETWORK', title: '', detail: '' });
		expect(form.offline).toBe(true);
	});
});
