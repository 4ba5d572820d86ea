/**
 * The one way the app talks to the API: openapi-fetch typed from docs/openapi.json
 * (`npm run api-types` writes schema.d.ts), so a contract change breaks the build.
 *
 * Every call goes through `call()`, which turns any outcome into an `Outcome`:
 * the data, or a `Problem` a page can show (RFC 9457 problem+json from the API, or a
 * synthetic `NETWORK` problem when the request never got an answer).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { currentLocale } from '$lib/i18n/i18n.svelte';
import { session } from '$lib/session/session.svelte';
import { isStaffRequest, staffSession } from '$lib/session/staff.svelte';

export const api = createClient<paths>({ baseUrl: '' });

const headers: Middleware = {
	onRequest({ request }) {
		request.headers.set('Accept-Language', currentLocale() === 'en' ? 'en, ja;q=0.5' : 'ja');
		// Staff routes get the staff token, every other route the citizen's: one tab may
		// hold both, and neither is ever sent where it does not belong.
		const token = isStaffRequest(request.url) ? staffSession.token : session.token;
		if (token && !request.headers.has('Authorization')) {
			request.headers.set('Authorization', `Bearer ${token}`);
		}
		return request;
	}
};
api.use(headers);

export interface FieldProblem {
	field: string;
	message: string;
}

export interface Problem {
	status: number;
	code: string;
	title: string;
	detail: string;
	errors?: FieldProblem[];
	opensOn?: string;
	closedOn?: string;
	retryAt?: string;
}

export type Outcome<T> =
	| { ok: true; data: T; status: number }
	| { ok: false; problem: Problem };

/** The synthetic problem for a request that got no answer (offline, server down). */
export const NETWORK = 'NETWORK';

function isProblem(value: unknown): value is Problem {
	return typeof value === 'object' && value !== null && 'code' in value && 'title' in value;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Member names a problem may carry beyond the standard ones (docs/api.md). */
export interface DecidedProblem extends Problem {
	decidedBy?: string;
	decidedByName?: string;
	decidedAt?: string;
	decision?: string;
}

export async function call<T>(request: () => Promise<Answer<T>>): Promise<Outcome<T>> {
	let answer: Answer<T>;
	try {
		answer = await request();
	} catch {
		return { ok: false, problem: { status: 0, code: NETWORK, title: '', detail: '' } };
	}
	const { data, error, response } = answer;
	if (response.ok) return { ok: true, data: data as T, status: response.status };
	if (isProblem(error)) {
		// A session that ended elsewhere (expiry, password change, sign-out in another
		// tab): forget it, and the member pages send the user to ログイン. A wrong
		// password is INVALID_CREDENTIALS, not this.
		if (error.code === 'UNAUTHENTICATED') {
			if (isStaffRequest(response.url)) staffSession.expire();
			else session.expire();
		}
		return { ok: false, problem: { ...error, status: response.status } };
	}
	// A body that is not problem+json (a proxy's error page): still say what happened.
	return {
		ok: false,
		problem: { status: response.status, code: `HTTP_${response.status}`, title: '', detail: '' }
	};
}

/** Field errors of a 422 keyed by the request field path (`address.postalCode`). */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
	const result: Record<string, string> = {};
	for (const error of problem?.errors ?? []) {
		result[error.field] ??= error.message;
	}
	return result;
}

/** A fresh key for `Idempotency-Key`, so a retried confirmation never books twice. */
export function idempotencyKey(): string {
	return crypto.randomUUID();
}
