/** The hold's countdown: what is left of it at a moment, and how to say it. */
export interface Remaining {
	totalSeconds: number;
	minutes: number;
	seconds: number;
	expired: boolean;
}

export function remaining(expiresAt: string, now: number = Date.now()): Remaining {
	const totalSeconds = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
	return {
		totalSeconds,
		minutes: Math.floor(totalSeconds / 60),
		seconds: totalSeconds % 60,
		expired: totalSeconds === 0
	};
}

/**
 * Screen readers are told the time left at these points only (seconds left), not every
 * second: often enough to act, rarely enough not to drown the form.
 */
export const ANNOUNCE_AT = [300, 120, 60, 30] as const;

export function shouldAnnounce(previousSeconds: number, currentSeconds: number): boolean {
	return ANNOUNCE_AT.some((at) => previousSeconds > at && currentSeconds <= at);
}
