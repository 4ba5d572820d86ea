/** The citizen's session (lib/session/tabSession.svelte.ts: this tab only). */
import type { Me } from '$lib/api/types';
import { TabSession } from './tabSession.svelte';

export type EndReason = 'expired' | 'signedOut' | 'passwordChanged';

export const session = new TabSession<Me, EndReason>('yoyaku.session');
