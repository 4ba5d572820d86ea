/**
 * The staff member's session in the console (/staff), kept apart from the citizen's
 * (its own key, its own token, lib/session/tabSession.svelte.ts): signing in as staff
 * never signs a citizen in or out, and the API client sends this token only to
 * /v1/staff routes.
 */
import type { StaffMe } from '$lib/api/types';
import { TabSession } from './tabSession.svelte';

export type StaffEndReason = 'expired' | 'signedOut';

class StaffSession extends TabSession<StaffMe, StaffEndReason> {
	/** Whether the member's role grants `permission` (the API checks again). */
	may(permission: StaffMe['permissions'][number]): boolean {
		return this.me?.permissions.includes(permission) ?? false;
	}
}

export const staffSession = new StaffSession('yoyaku.staff-session');

/** Whether a request goes to the staff API (and so carries the staff token). */
export function isStaffRequest(url: string): boolean {
	return new URL(url, 'http://localhost').pathname.startsWith('/v1/staff/');
}
