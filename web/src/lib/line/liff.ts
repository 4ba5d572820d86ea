/**
 * The LINE mini-app (LIFF): the renewal page opened from the municipality's LINE account.
 *
 * Deployed, the LIFF SDK runs with the LIFF app's id (`VITE_LIFF_ID` at build time) and
 * gives the LINE user's ID token, which the API verifies (POST /v1/line/sessions).
 * Locally, `@line/liff-mock` stands in for LINE: its ID token is one minted by the local
 * runtime's fake LINE platform (`POST /_local/line/id-tokens`) for the test LINE user
 * chosen on the page, so the API checks it exactly as it checks LINE's.
 * Both SDKs are loaded only by the pages that use LINE.
 */
import { hasTestCards } from '$lib/identity/card';

const LIFF_ID: string | undefined = import.meta.env.VITE_LIFF_ID;
const TEST_USER_KEY = 'yoyaku.testLineUser';

export interface LineContext {
	/** the ID token of the LINE user who opened the page */
	idToken: string;
	/** locally: the test LINE user id (shown on the page) */
	testUser?: string;
}

/** A LINE user id of the local fake platform: `U` + 32 hex digits. */
export function newTestUser(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return 'U' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The test LINE user of this browser: `?lineUser=` first, then the one kept before. */
export function testUser(url: URL): string {
	const wanted = url.searchParams.get('lineUser');
	let user = wanted && /^U[0-9a-f]{32}$/.test(wanted) ? wanted : null;
	try {
		user ??= localStorage.getItem(TEST_USER_KEY);
		user ??= newTestUser();
		localStorage.setItem(TEST_USER_KEY, user);
	} catch {
		user ??= newTestUser();
	}
	return user;
}

async function mintLocalToken(lineUserId: string): Promise<string> {
	const response = await fetch('/_local/line/id-tokens', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify({ lineUserId })
	});
	if (!response.ok) throw new Error(`/_local/line/id-tokens: ${response.status}`);
	return ((await response.json()) as { idToken: string }).idToken;
}

/**
 * The LINE context of this page: null when the page is not opened as the mini-app (no
 * LIFF app configured and not the local runtime), or when LINE is sending the user to
 * its login (the page is opened again afterwards).
 */
export async function openedInLine(url: URL): Promise<LineContext | null> {
	const local = await hasTestCards();
	if (!local && !LIFF_ID) return null;
	const { default: liff } = await import('@line/liff');
	if (local) {
		const { LiffMockPlugin } = await import('@line/liff-mock');
		const user = testUser(url);
		const idToken = await mintLocalToken(user);
		liff.use(new LiffMockPlugin());
		await liff.init({ liffId: 'local-mock', mock: true } as Parameters<typeof liff.init>[0]);
		if (!liff.isLoggedIn()) liff.login();
		// The mock's answers: this LINE user, and the token the fake platform signed.
		(liff as unknown as { $mock: { set: (f: (p: object) => object) => void } }).$mock.set((p) => ({
			...p,
			getIDToken: idToken,
			getProfile: { userId: user, displayName: 'テスト用LINEユーザー' }
		}));
		const token = liff.getIDToken();
		return token ? { idToken: token, testUser: user } : null;
	}
	await liff.init({ liffId: LIFF_ID! });
	if (!liff.isLoggedIn()) {
		liff.login({ redirectUri: url.href });
		return null;
	}
	const token = liff.getIDToken();
	return token ? { idToken: token } : null;
}
