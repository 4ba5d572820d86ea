/**
 * Registration with the My Number card (seed 001), as a resident does it: choose the
 * card, open the app (locally the テスト用カード panel signs as the e-signature app
 * would), 情報を反映する fills the form from the card, and the registration is verified
 * as soon as the e-mail is confirmed. Each error of seed 001's table reads as the seed
 * says, where the citizen is looking.
 */
import { expect, expectAccessible, test, uniqueEmail, Backend } from './support/fixtures';
import { field, signIn } from './support/citizen';
import type { Locator, Page } from '@playwright/test';

interface TestCard {
	name?: string;
	address?: string;
	birthdate?: string;
	gender?: '男性' | '女性' | '不明';
	state?: '有効' | '有効期限切れ (Code: 21)' | '失効 (Code: 23)';
	format?: 'PKCS#1' | 'CMS (detached)';
}

function cardSection(page: Page): Locator {
	return page.getByRole('region', { name: 'マイナンバーカードによる本人確認' });
}

/** アプリを起動する, then the test card plays the e-signature app and signs. */
async function readCard(page: Page, card: TestCard = {}): Promise<void> {
	const section = cardSection(page);
	await section.getByRole('button', { name: 'アプリを起動する' }).click();
	await expect(section.getByRole('heading', { name: 'マイナンバーカードで署名する内容' })).toBeVisible();
	await expect(section.getByText(/利用者登録のため、マイナンバーカードの基本4情報/)).toBeVisible();
	const app = section.getByRole('region', { name: 'テスト用カード' });
	if (card.name) await app.getByRole('textbox', { name: '氏名 (氏と名の間は全角スペース)' }).fill(card.name);
	if (card.address) await app.getByRole('textbox', { name: '住所 (都道府県から)' }).fill(card.address);
	if (card.birthdate) await app.getByRole('textbox', { name: '生年月日' }).fill(card.birthdate);
	if (card.gender) await app.getByRole('radio', { name: card.gender }).check();
	if (card.state) await app.getByRole('radio', { name: card.state }).check();
	if (card.format) await app.getByRole('radio', { name: card.format }).check();
	await app.getByRole('button', { name: 'カードで署名する' }).click();
	await expect(app.getByText('電子署名処理に成功しました。')).toBeVisible();
	await expect(section.getByText('電子署名アプリでの署名が終わりました。「情報を反映する」を押してください。')).toBeVisible();
}

/** What the card does not fill: kana, phone, residency, postal code, e-mail, password. */
async function fillTheRest(page: Page, email: string, password: string): Promise<void> {
	await field(page, '氏名カタカナ').fill('ミナト　ハナコ');
	await field(page, '電話番号').fill('03-1234-5678');
	await page.getByRole('radio', { name: '区内在住の方' }).check();
	await field(page.getByRole('group', { name: 'ご自宅住所' }), '郵便番号').fill('105-8511');
	await field(page, 'メールアドレス').fill(email);
	await field(page, 'メールアドレス(確認)').fill(email);
	await field(page, 'パスワード').fill(password);
}

async function apply(page: Page): Promise<void> {
	await page.getByRole('button', { name: '確認', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認' })).toBeVisible();
	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
}

test('a resident registers with the My Number card and is verified at once @phone', async ({ page, backend }) => {
	const email = uniqueEmail('card');
	const password = 'minato2024';
	await page.goto('/registrations/new');
	await page.getByRole('radio', { name: 'マイナンバーカード', exact: true }).check();
	const section = cardSection(page);

	// 情報を反映する before the app has read the card: seed 001's first error
	await section.getByRole('button', { name: '情報を反映する' }).click();
	await expect(section.getByRole('alert')).toHaveText(/情報の取得に失敗しました。アプリで読み取りが完了してから「情報を反映する」を押してください。/);

	await readCard(page, { name: '港　花子', address: '東京都港区芝公園一丁目5番25号', birthdate: '1985-07-20', gender: '女性' });
	await expectAccessible(page, 'card read, test card panel');
	await section.getByRole('button', { name: '情報を反映する' }).click();
	await expect(section.getByRole('status').filter({ hasText: 'マイナンバーカードの読み取りが完了しました。' })).toBeVisible();
	const facts = section.getByRole('table', { name: '読み取ったカードの情報' });
	await expect(facts.getByRole('row', { name: /性別/ })).toContainText('女性');
	// the card's facts are in the form
	await expect(field(page, '氏名漢字')).toHaveValue('港　花子');
	await expect(field(page, '生年月日')).toHaveValue('1985-07-20');
	const home = page.getByRole('group', { name: 'ご自宅住所' });
	await expect(field(home, '都道府県')).toHaveValue('東京都');
	await expect(field(home, '市区郡')).toHaveValue('港区');
	await expect(field(home, '町村番地建物名')).toHaveValue('芝公園一丁目5番25号');
	await expectAccessible(page, 'card facts reflected');

	await fillTheRest(page, email, password);
	await page.getByRole('button', { name: '確認', exact: true }).click();
	await expect(page.getByRole('row', { name: /本人確認書類/ })).toContainText('マイナンバーカード (読み取り済み)');
	await expectAccessible(page, 'review with the card');
	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();

	const mail = await backend.mail(email, 'メールアドレスの確認');
	await page.goto(Backend.link(mail));
	await expect(page.getByRole('heading', { level: 1, name: '利用者登録が完了しました。' })).toBeVisible();
	await expect(page.getByTestId('verified-at-once')).toHaveText(/本登録になりました/);
	await expectAccessible(page, 'confirmed, verified');
	const userNumber = (await page.getByTestId('user-number').textContent())!.trim();

	await signIn(page, { email, password, userNumber });
	await page.getByRole('link', { name: 'マイページ' }).click();
	await expect(page.getByTestId('account-status')).toHaveText('本登録');
	await expect(page.getByRole('heading', { name: /利用者登録 ・ 完了/ })).toBeVisible();
});

test('a form that contradicts the card is refused next to the field, and goes through once fixed', async ({ page, backend }) => {
	const email = uniqueEmail('card-mismatch');
	await page.goto('/registrations/new');
	await page.getByRole('radio', { name: 'マイナンバーカード', exact: true }).check();
	await readCard(page, { name: '港　次郎', birthdate: '1979-11-03' });
	await cardSection(page).getByRole('button', { name: '情報を反映する' }).click();
	await expect(field(page, '氏名漢字')).toHaveValue('港　次郎');
	await fillTheRest(page, email, 'minato2024');
	await field(page, '生年月日').fill('1979-11-30'); // typed over what the card said

	await apply(page);
	// back on the input step, the seed's words at the top and the field named beside it
	await expect(page.getByRole('heading', { level: 1, name: '新規利用者登録' })).toBeVisible();
	const alert = page.locator('[data-code="IDENTITY_MISMATCH"]');
	await expect(alert).toContainText('入力された利用者情報と読み取られたカードの情報が一致しません');
	await expect(page.locator('[data-field="birthdate"] .error')).toHaveText(/マイナンバーカードの生年月日と一致しません。/);
	await expect(page.locator('[data-field="nameKanji"] .error')).toHaveCount(0);
	await expectAccessible(page, 'identity mismatch');

	// the verification is still usable: fix the date and apply again
	await field(page, '生年月日').fill('1979-11-03');
	await apply(page);
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();
	await backend.mail(email, 'メールアドレスの確認');
});

test('an expired (Code: 21), a revoked (Code: 23) and an unreachable check read as seed 001 says', async ({ page }) => {
	await page.goto('/registrations/new');
	await page.getByRole('radio', { name: 'マイナンバーカード', exact: true }).check();
	const section = cardSection(page);

	await readCard(page, { state: '有効期限切れ (Code: 21)' });
	await section.getByRole('button', { name: '情報を反映する' }).click();
	let alert = section.getByRole('alert');
	await expect(alert).toContainText('失効済みのマイナンバーカードの可能性があります。 (Code: 21)');
	await expect(alert).toContainText('証明書の有効期限が切れています。マイナンバーカードを更新の上、再度、署名確認を行ってください。');
	await expect(alert).toBeFocused();
	await expect(field(page, '氏名漢字')).toHaveValue(''); // nothing was filled from a refused card
	await expectAccessible(page, 'code 21');

	await readCard(page, { state: '失効 (Code: 23)', format: 'CMS (detached)' });
	await section.getByRole('button', { name: '情報を反映する' }).click();
	alert = section.getByRole('alert');
	await expect(alert).toContainText('(Code: 23)');
	await expect(alert).toContainText('証明書が失効されています。');

	// The revocation source does not answer (503, Retry-After): "時間をおいて…", with a
	// retry that reuses the same signature once it answers again.
	await readCard(page, { format: 'PKCS#1' });
	await page.route('**/v1/identity/verifications', (route) =>
		route.fulfill({
			status: 503,
			headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '30' },
			body: JSON.stringify({
				type: '/problems/card-check-failed', status: 503, code: 'CARD_CHECK_FAILED',
				title: 'マイナンバーカードの確認ができませんでした', detail: '時間をおいて、再度、署名確認を行ってください。'
			})
		})
	);
	await section.getByRole('button', { name: '情報を反映する' }).click();
	alert = section.getByRole('alert');
	await expect(alert).toContainText('時間をおいて、再度、署名確認を行ってください。');
	await page.unroute('**/v1/identity/verifications');
	await alert.getByRole('button', { name: 'もう一度試す' }).click();
	await expect(section.getByText('マイナンバーカードの読み取りが完了しました。')).toBeVisible();
	await expect(field(page, '氏名漢字')).toHaveValue('港　太郎');
});
