/**
 * The steps of every staff action that needs a reason (cancel on a citizen's behalf,
 * unlock a sign-in…): the reason is required (said next to the field), the member
 * confirms, then the request is sent once; a refusal stays on the form.
 */
import type { Outcome } from '$lib/api/client';
import { t } from '$lib/i18n/i18n.svelte';
import type { FormState } from './form.svelte';

export async function sendWithReason<T>(
	form: FormState<{ reason: string }>,
	ask: (question: string) => Promise<boolean>,
	question: string,
	send: (reason: string) => Promise<Outcome<T>>
): Promise<T | undefined> {
	if (!form.check((v) => ({ reason: v.reason.trim() ? undefined : t('error.required') }))) return undefined;
	if (!(await ask(question))) return undefined;
	const result = await form.submit(() => send(form.values.reason.trim()));
	if (!result) return undefined;
	if (!result.ok) {
		form.fail(result.problem);
		return undefined;
	}
	return result.data;
}

/** A fresh start for the form of the next action. */
export function clearReason(form: FormState<{ reason: string }>): void {
	form.values = { reason: '' };
	form.errors = {};
	form.problem = null;
}
