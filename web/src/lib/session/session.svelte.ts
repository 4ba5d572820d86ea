/**
 * The citizen's session. The bearer token lives in this tab only (memory, mirrored to
 * sessionStorage so a reload keeps it): never in a URL, never in a cookie another site
 * could make the browser send, never readable by another origin. Why not an HttpOnly
 * cookie: see docs/architecture.md, "Web front end".
 */
import type { Me } from '$lib/api/types';

const KEY = 'yoyaku.session';

export type EndReason = 'expired' | 'signedOut' | 'passwordChanged';

interface Stored {
	token: string;
	expiresAt: string;
}

function read(): Stored | null {
	try {
		const raw = sessionStorage.getItem(KEY);
		if (!raw) return null;
		const stored = JSON.parse(raw) as Stored;
		return Date.parse(stored.expiresAt) > Date.now() ? stored : null;
	} catch {
		return null;
	}
}

class Session {
	token = $state<string | null>(null);
	expiresAt = $state<string | null>(null);
	me = $state<Me | null>(null);
	/** Why the last session ended; the sign-in page says so. */
	ended = $state<EndReason | null>(null);
	#timer: ReturnType<typeof setTimeout> | undefined;

	restore(): void {
		const stored = read();
		if (stored) this.#set(stored.token, stored.expiresAt);
	}

	start(token: string, expiresAt: string): void {
		this.ended = null;
		this.#set(token, expiresAt);
		try {
			sessionStorage.setItem(KEY, JSON.stringify({ token, expiresAt }));
		} catch {
			// storage refused: the session lasts until this page is closed
		}
	}

	/** The session ended (expiry, sign-out, password change): forget everything of it. */
	end(reason: EndReason): void {
		clearTimeout(this.#timer);
		this.token = null;
		this.expiresAt = null;
		this.me = null;
		this.ended = reason;
		try {
			sessionStorage.removeItem(KEY);
		} catch {
			// nothing stored
		}
	}

	expire(): void {
		if (this.token) this.end('expired');
	}

	get signedIn(): boolean {
		return this.token !== null;
	}

	#set(token: string, expiresAt: string): void {
		this.token = token;
		this.expiresAt = expiresAt;
		clearTimeout(this.#timer);
		const left = Date.parse(expiresAt) - Date.now();
		// setTimeout's limit is ~24.8 days; sessions last hours.
		this.#timer = setTimeout(() => this.expire(), Math.min(Math.max(left, 0), 2 ** 31 - 1));
	}
}

export const session = new Session();
