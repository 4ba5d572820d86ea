/**
 * 利用者登録更新 in the LINE mini-app (seed 000), on the local runtime with @line/liff-mock:
 * a group's representative (a worker) whose two years are ending opens the renewal page as
 * a LINE user, links LINE once with the user number, fills the form with the group's
 * roster image (名簿), reads a test My Number card at 認証, applies, and sees 受付, 受理 and
 * 完了 arrive in the local LINE outbox with the 申請番号. A reviewer finds the renewal in
 * the staff console's queue, opens it (受理) beside the card's facts and approves it (完了).
 */
import type { APIRequestContext } from '@playwright/test';
import { Backend, expect, expectAccessible, test, uniqueEmail } from './support/fixtures';
import { field } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

const DAY = 24 * 3600;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

interface Worker {
	userNumber: string;
	password: string;
	email: string;
	verifiedUntil: string;
}

type Upload = { url: string; fields: Record<string, string> };

async function sendPng(request: APIRequestContext, upload: Upload): Promise<void> {
	const sent = await request.post(upload.url, {
		multipart: { ...upload.fields, 'Content-Type': 'image/png', file: { name: 'image.png', mimeType: 'image/png', buffer: PNG } }
	});
	expect(sent.ok()).toBe(true);
}

/**
 * A group's representative, a worker, registered with the group's roster and approved
 * 700 days ago: their two years end in about a month, and the accepted roster (the group
 * uses the facilities that need one) makes a new roster part of the renewal.
 */
async function workerApprovedLongAgo(backend: Backend, request: APIRequestContext): Promise<Worker> {
	const email = uniqueEmail('renewal');
	const password = 'minato2024';
	await backend.moveClock(-700 * DAY);
	try {
		const address = { postalCode: '1058511', prefecture: '東京都', city: '港区', street: '芝公園1-5-25' };
		const registered = await backend.json<{ proofUpload: Upload; rosterUpload: Upload }>(
			'POST',
			'/v1/registrations',
			{
				nameKana: 'ミナト タロウ', nameKanji: '港 太郎', phone: '03-1234-5678', residency: 'worker',
				address, birthdate: '1990-04-01', email, password, lotteryResultEmail: true, agreeToTerms: true,
				workplace: { name: '港商事株式会社', address, phone: '0355550000' },
				userType: 'group', group: { name: '港ソフトボールクラブ', nameKana: 'ミナト ソフトボール クラブ', members: 14 }
			}
		);
		await sendPng(request, registered.proofUpload);
		await sendPng(request, registered.rosterUpload);
		const mail = await backend.mail(email, 'メールアドレスの確認');
		const token = /token=([\w-]+)/.exec(mail.body)![1];
		const confirmed = await backend.json<{ userNumber: string }>('POST', '/v1/registrations/confirm', { token });
		await approveWhenQueued(backend, confirmed.userNumber);
		const signedIn = await backend.json<{ token: string }>('POST', '/v1/sessions', { userNumber: confirmed.userNumber, password });
		const verifiedUntil = async () =>
			(await backend.json<{ verifiedUntil?: string }>('GET', '/v1/me', undefined, signedIn.token)).verifiedUntil ?? '';
		await expect.poll(verifiedUntil, { timeout: 30_000 }).not.toBe('');
		return { userNumber: confirmed.userNumber, password, email, verifiedUntil: await verifiedUntil() };
	} finally {
		await backend.moveClock(0);
	}
}

/** Staff approve once the review workflow waits for them (it starts a moment after filing). */
async function approveWhenQueued(backend: Backend, userNumber: string): Promise<void> {
	await expect(() => backend.approve(userNumber)).toPass({ timeout: 30_000 });
}

function lineUser(): string {
	const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
	return `U${hex}`;
}

async function lineTexts(backend: Backend, user: string): Promise<string[]> {
	const outbox = await backend.json<{ items: { to: string; messages: { text: string }[] }[] }>('GET', '/_local/line/outbox');
	return outbox.items.filter((item) => item.to === user).map((item) => item.messages[0]!.text);
}

test('a LINE user renews with a test card and follows it in the LINE outbox @phone', async ({ page, backend, request, browser }) => {
	const worker = await workerApprovedLongAgo(backend, request);
	const user = lineUser();

	// Opened from the LINE account: not linked yet, so sign in once and LINE is linked.
	await page.goto(`/renewal?lineUser=${user}`);
	await expect(page.getByRole('heading', { level: 1, name: '利用者登録更新' })).toBeVisible();
	await expect(page.getByTestId('test-line-user')).toHaveText(user);
	await expect(page.getByText('初回のみ、利用者番号とパスワードでログインしてLINEと連携してください。')).toBeVisible();
	await field(page, '利用者番号').fill(worker.userNumber);
	await field(page, 'パスワード').fill(worker.password);
	await page.getByRole('button', { name: 'ログイン' }).click();
	await expect(page.getByText('LINEと連携しました。')).toBeVisible();

	// The form of seed 000, with 一時保存.
	await expect(page.getByRole('term').filter({ hasText: '申請者' })).toBeVisible();
	await expect(page.getByRole('definition').first()).toHaveText('マイナンバーカード読み込み後に自動入力されます');
	await field(page, '申請者（フリガナ）').fill('ミナト タロウ');
	await field(page, '電話番号').fill('09012345678');
	await expect(page.getByText('団体名簿のスクリーンショットや撮影した画像', { exact: false })).toBeVisible();
	await page.getByRole('button', { name: '一時保存' }).click();
	await expect(page.getByText(/一時保存しました/)).toBeVisible();
	await page.screenshot({ path: 'test-results/renewal-form.png', fullPage: true });
	await expectAccessible(page, 'renewal form');

	// Another visit (LINE alone signs in now) finds the saved form.
	await page.evaluate(() => sessionStorage.clear());
	await page.goto(`/renewal?lineUser=${user}`);
	await expect(page.getByText('一時保存した内容を読み込みました。')).toBeVisible();
	await expect(field(page, '申請者（フリガナ）')).toHaveValue('ミナト タロウ');
	await page.getByRole('radio', { name: '希望あり' }).check();
	// 一時保存 keeps no files: the roster is chosen now. Without it, 確認 says so.
	await page.getByRole('button', { name: '確認' }).click();
	await expect(page.locator('[data-field="rosterUploadId"]').getByText('入力してください。')).toBeVisible();
	await page.getByLabel(/^団体名簿の画像/).setInputFiles({ name: 'roster.png', mimeType: 'image/png', buffer: PNG });
	await page.getByRole('button', { name: '確認' }).click();

	// 認証: the local test card plays the e-signature app; its facts fill 申請者 and 住所.
	await expect(page.getByRole('heading', { name: '申請内容の確認' })).toBeVisible();
	await page.getByRole('button', { name: 'この内容で申請する' }).click();
	await expect(page.getByText('「認証」でマイナンバーカードを読み取ってから申請してください。')).toBeVisible();
	await page.getByRole('button', { name: 'アプリを起動する' }).click();
	await page.getByRole('button', { name: 'カードで署名する' }).click();
	await expect(page.getByText('電子署名処理に成功しました。')).toBeVisible();
	await page.getByRole('button', { name: '情報を反映する' }).click();
	await expect(page.getByTestId('review-name')).toHaveText('港　太郎');
	await expect(page.getByTestId('review-address')).toHaveText('東京都港区芝公園一丁目5番25号');
	await expect(page.getByTestId('review-roster')).toHaveText('団体名簿の画像を送信しました。');
	await expectAccessible(page, 'renewal review');
	await page.getByRole('button', { name: 'この内容で申請する' }).click();

	// Filing starts the review workflow and sends the e-mail and the LINE message: on a
	// busy test machine that can take longer than a click's usual answer.
	await expect(page.getByText('申請を受け付けました。')).toBeVisible({ timeout: 60_000 });
	const shown = (await page.getByTestId('application-number').textContent())!;
	const number = /申請番号：(\d{6})/.exec(shown)![1]!;
	await page.screenshot({ path: 'test-results/renewal-done.png', fullPage: true });
	await expectAccessible(page, 'renewal done');

	// A reviewer finds it among the renewals in the console, opens it (受理) and approves it (完了).
	const staffContext = await browser.newContext();
	const staff = await staffContext.newPage();
	await staffSignIn(staff, STAFF.reviewer, `${process.env.YOYAKU_URL}/staff/reviews?type=renewal`);
	const queued = staff.getByRole('row').filter({ hasText: worker.userNumber });
	await expect(async () => {
		await staff.reload();
		await expect(queued).toContainText('登録更新', { timeout: 1000 });
	}).toPass({ timeout: 30_000 });
	await queued.getByRole('link').click();
	await expect(staff.getByRole('heading', { level: 1, name: `申請 ${number}` })).toBeVisible();
	await expect(staff.getByTestId('review-status')).toHaveText('受理');
	const applied = staff.getByRole('region', { name: '更新の申請内容', exact: true });
	await expect(applied.getByRole('row', { name: /氏名カタカナ/ })).toContainText('ミナト タロウ');
	await expect(applied.getByRole('row', { name: /^氏名 / })).toContainText('港　太郎');
	await expect(applied.getByRole('row', { name: /^住所/ })).toContainText('東京都港区芝公園一丁目5番25号');
	await expect(staff.getByRole('region', { name: '団体名簿' })).toBeVisible();
	await staff.screenshot({ path: 'test-results/staff-renewal-review.png', fullPage: true });
	await expectAccessible(staff, 'staff renewal review');
	// the workflow waits for staff a moment after filing: until then the decision is refused
	await expect(async () => {
		await staff.reload();
		await staff.getByRole('radio', { name: '完了 (承認)' }).check();
		await staff.getByRole('button', { name: '判定を登録する' }).click();
		await staff.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(staff.getByRole('status').filter({ hasText: '判定「完了 (承認)」を登録しました。' })).toBeVisible({ timeout: 2000 });
	}).toPass({ timeout: 30_000 });
	await staffContext.close();

	// The LINE outbox has the three messages.
	await expect.poll(async () => (await lineTexts(backend, user)).length, { timeout: 30_000 }).toBe(3);
	const texts = await lineTexts(backend, user);
	expect(texts.map((text) => text.split('\n')[0])).toEqual(['申請を受け付けました。', '申請を受理いたしました。', '処理が完了しました。']);
	for (const text of texts) {
		expect(text).toContain(`申請番号：${number}`);
		expect(text).toContain('利用者登録の更新');
	}

	// 申請履歴 names the 申請番号; the registration now runs two more years.
	await page.getByRole('link', { name: '申請履歴を見る' }).click();
	const renewalEntry = page.getByRole('region', { name: `登録更新 ${number}` });
	await expect(renewalEntry.getByTestId('application-number')).toHaveText(`申請番号：${number}`);
	await expect(renewalEntry.getByRole('heading')).toContainText('完了');
	const [y, m, d] = worker.verifiedUntil.split('-').map(Number) as [number, number, number];
	const renewed = `${y + 2}年${m}月${d}日`;
	await expect(page.getByText(new RegExp(`本登録の有効期限は${renewed}`))).toBeVisible();
	await expectAccessible(page, 'application history');
});
