/**
 * What a citizen was typing survives a session that ends under them (expiry, sign-out
 * in another tab): the form is kept in this tab's sessionStorage, keyed by page, and
 * offered back after signing in again. Only what is safe to keep is kept: callers never
 * pass passwords, tokens or files.
 */
const PREFIX = 'yoyaku.draft.';

export function saveDraft<T>(key: string, value: T): void {
	try {
		sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
	} catch {
		// storage full or refused: nothing to keep
	}
}

export function loadDraft<T>(key: string): T | null {
	try {
		const raw = sessionStorage.getItem(PREFIX + key);
		return raw ? (JSON.parse(raw) as T) : null;
	} catch {
		return null;
	}
}

export function clearDraft(key: string): void {
	try {
		sessionStorage.removeItem(PREFIX + key);
	} catch {
		// nothing stored
	}
}
