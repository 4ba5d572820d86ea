/**
 * Form state shared by every form: values, the error next to each field (from the
 * browser's own checks or the API's 422 `errors`), the problem for the whole form, and
 * whether it is being sent. What was typed is never cleared by a failed request.
 */
import { fieldErrors, NETWORK, type Problem } from '$lib/api/client';

export type Check<V> = (values: V) => Record<string, string | undefined>;

export class FormState<V extends object> {
	values: V = $state() as V;
	errors = $state<Record<string, string>>({});
	problem = $state<Problem | null>(null);
	submitting = $state(false);

	constructor(initial: V) {
		this.values = initial;
	}

	/** The error of one field (API path such as `address.postalCode`). */
	error(field: string): string | undefined {
		return this.errors[field];
	}

	/** The user changed a field: its old error no longer applies. */
	touched(field: string): void {
		if (field in this.errors) {
			const { [field]: _, ...rest } = this.errors;
			this.errors = rest;
		}
	}

	/** Runs the browser-side checks; true when nothing is wrong. */
	check(rules: Check<V>): boolean {
		const found: Record<string, string> = {};
		for (const [field, message] of Object.entries(rules(this.values))) {
			if (message) found[field] = message;
		}
		this.errors = found;
		this.problem = null;
		return Object.keys(found).length === 0;
	}

	/** A failed request: field errors next to their fields, the rest for the form. */
	fail(problem: Problem): void {
		this.problem = problem;
		this.errors = fieldErrors(problem);
	}

	get offline(): boolean {
		return this.problem?.code === NETWORK;
	}

	/** Sends once at a time; the returned value is the request's. */
	async submit<R>(send: () => Promise<R>): Promise<R | undefined> {
		if (this.submitting) return undefined;
		this.submitting = true;
		this.problem = null;
		try {
			return await send();
		} finally {
			this.submitting = false;
		}
	}
}

/** `errors` of a problem that name no field shown on the page (e.g. `body`). */
export function unplacedErrors(problem: Problem | null, shown: readonly string[]): string[] {
	return (problem?.errors ?? []).filter((e) => !shown.includes(e.field)).map((e) => e.message);
}
