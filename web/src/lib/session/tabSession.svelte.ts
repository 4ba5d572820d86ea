/**
 * A bearer session that lives in this tab only: the token in memory, mirrored to
 * sessionStorage under its own key so a reload keeps it; never in a URL, never in a
 * cookie another site could make the browser send, never readable by another origin
 * (why not an HttpOnly cookie: docs/architecture.md, "Web front end"). It ends itself
 * when it expires. The citizen's and the staff member's sessions are two of these,
 * with their own keys, so signing in as one never signs the other in or out.
 */

interface Stored {
	token: string;
	expiresAt: string;
}

export class TabSession<Me, EndReason extends string> {
	token = $state<string | null>(null);
	expiresAt = $state<string | null>(null);
	me = $state<Me | null>(null);
	/** Why the last session ended; the sign-in page says so. */
	ended = $state<EndReason | 'expired' | null>(null);
	readonly #key: string;
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(key: string) {
		this.#key = key;
	}

	restore(): void {
		try {
			const raw = sessionStorage.getItem(this.#key);
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
			sessionStorage.setItem(this.#key, JSON.stringify({ token, expiresAt }));
		} catch {
			// storage refused: the session lasts until this page is closed
		}
	}

	/** The session ended (expiry, sign-out…): forget everything of it. */
	end(reason: EndReason | 'expired'): void {
		clearTimeout(this.#timer);
		this.token = null;
		this.expiresAt = null;
		this.me = null;
		this.ended = reason;
		try {
			sessionStorage.removeItem(this.#key);
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
