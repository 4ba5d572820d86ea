/**
 * The staff member's session in the console (/staff). It is kept apart from the
 * citizen's session (its own key, its own token): signing in as staff never signs a
 * citizen in or out, and the API client sends this token only to /v1/staff routes.
 * Like the citizen's, the token lives in this tab only (memory and sessionStorage).
 */
import type { StaffMe } from '$lib/api/types';

const KEY = 'yoyaku.staff-session';

export type StaffEndReason = 'expired' | 'signedOut';

interface Stored {
	token: string;
	expiresAt: string;
}

class StaffSession {
	token = $state<string | null>(null);
	me = $state<StaffMe | null>(null);
	ended = $state<StaffEndReason | null>(null);
	#timer: ReturnType<typeof setTimeout> | undefined;

	restore(): void {
		try {
			const raw = sessionStorage.getItem(KEY);
			const stored = raw ? (JSON.parse(raw) as Stored) : null;
			if (stored && Date.parse(stored.expiresAt) > Date.now()) this.#set(stored.token, stored.expiresAt);
		} catch {
			// nothing usable stored
		}
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

	end(reason: StaffEndReason): void {
		clearTimeout(this.#timer);
		this.token = null;
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

	/** Whether the member's role grants `permission` (the API checks again). */
	may(permission: StaffMe['permissions'][number]): boolean {
		return this.me?.permissions.includes(permission) ?? false;
	}

	#set(token: string, expiresAt: string): void {
		this.token = token;
		clearTimeout(this.#timer);
		const left = Date.parse(expiresAt) - Date.now();
		this.#timer = setTimeout(() => this.expire(), Math.min(Math.max(left, 0), 2 ** 31 - 1));
	}
}

export const staffSession = new StaffSession();

/** Whether a request goes to the staff API (and so carries the staff token). */
export function isStaffRequest(url: string): boolean {
	return new URL(url, 'http://localhost').pathname.startsWith('/v1/staff/');
}
