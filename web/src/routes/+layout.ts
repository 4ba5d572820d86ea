// A single-page app: the static host serves the same page for every path, and the
// browser renders it (the API answers per person, so there is nothing to prerender).
import { restoreLocale } from '$lib/i18n/i18n.svelte';
import { restoreTextSize } from '$lib/components/textSize';
import { session } from '$lib/session/session.svelte';
import { staffSession } from '$lib/session/staff.svelte';

export const ssr = false;
export const prerender = false;

export async function load() {
	await restoreLocale();
	restoreTextSize();
	session.restore();
	staffSession.restore();
	return {};
}
