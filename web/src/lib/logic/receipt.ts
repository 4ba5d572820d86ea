/**
 * After booking a counter appointment, 予約照会へ opens the lookup already filled in. The
 * receipt number and password travel in this tab's sessionStorage, never in the URL.
 */
const KEY = 'yoyaku.appointmentReceipt';

export function rememberReceipt(receiptNumber: string, password: string): void {
	try {
		sessionStorage.setItem(KEY, JSON.stringify({ receiptNumber, password }));
	} catch {
		// the citizen types them from the screen or the e-mail instead
	}
}

export function takeReceipt(): { receiptNumber: string; password: string } | null {
	try {
		const raw = sessionStorage.getItem(KEY);
		sessionStorage.removeItem(KEY);
		return raw ? (JSON.parse(raw) as { receiptNumber: string; password: string }) : null;
	} catch {
		return null;
	}
}
