import { expect, expectAccessible, test } from './support/fixtures';
import { field, registerResident, signIn } from './support/citizen';
import { registerWorker, STAFF, staffSignIn } from './support/staff';

test('a reviewer opens the oldest application with its proof, returns it with a reason the worker then reads in 申請履歴', async ({
	page,
	backend,
	browser
}) => {
	// a worker registers with a picture of their staff ID card
	const { email, password, userNumber } = await registerWorker(page, backend, browser);

	// the citizen's session opens no staff page: the console asks for a staff sign-in
	await signIn(page, { email, password, userNumber });
	await staffSignIn(page, STAFF.reviewer, '/staff/reviews');
	await expect(page.getByRole('heading', { level: 1, name: '利用者登録の審査' })).toBeVisible();
	await expectAccessible(page, 'review queue');

	// the reviewer's menu holds only what the role allows
	await page.getByRole('link', { name: '職員メニュー' }).click();
	const menu = page.getByRole('navigation', { name: '職員メニュー' });
	await expect(menu.getByRole('link', { name: '利用者登録の審査' })).toBeVisible();
	await expect(menu.getByRole('link', { name: 'お知らせ管理' })).toHaveCount(0);
	await expect(menu.getByRole('link', { name: '操作記録' })).toHaveCount(0);
	await expectAccessible(page, 'staff menu');
	await page.goto('/staff/audit');
	await expect(page.getByRole('heading', { level: 1, name: 'この画面はあなたの権限では使えません。' })).toBeVisible();

	// the queue, filtered to registrations, lists the application; opened by keyboard
	await page.goto('/staff/reviews');
	await page.getByLabel('種別').selectOption({ label: '利用者登録' });
	await page.getByRole('button', { name: '絞り込む' }).click();
	await expect(page).toHaveURL(/type=registration/);
	const row = page.getByRole('row').filter({ hasText: userNumber });
	await expect(row).toContainText('受付');
	await row.getByRole('link').focus();
	await page.keyboard.press('Enter');

	// opening it accepts it (受理), names the reviewer, and shows everything given
	await expect(page.getByRole('heading', { level: 1, name: /^申請 \d+$/ })).toBeVisible();
	await expect(page.getByTestId('review-status')).toHaveText('受理');
	const applicant = page.getByRole('region', { name: '申請内容' });
	await expect(applicant.getByRole('row', { name: /氏名漢字/ })).toContainText('港　太郎');
	await expect(applicant.getByRole('row', { name: /勤務先/ })).toContainText('港商事株式会社');
	await expect(applicant.getByRole('row', { name: /ご自宅住所/ })).toContainText('〒105-8511 東京都 港区 芝公園1-5-25');
	await expect(page.getByRole('listitem').filter({ hasText: '受理' })).toContainText('担当: デモ審査担当');

	// the proof is shown inline, loaded (not a broken image), and zooms
	const proof = page.getByRole('img', { name: '申請者が添付した在勤を証明する書類' });
	await expect(proof).toBeVisible();
	await expect.poll(() => proof.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(300);
	const before = (await proof.boundingBox())!.width;
	await page.getByRole('button', { name: '拡大する' }).click();
	await expect(page.getByRole('button', { name: '縮小する' })).toHaveAttribute('aria-pressed', 'true');
	expect((await proof.boundingBox())!.width).toBeGreaterThan(before * 1.5);
	await expectAccessible(page, 'review detail');

	// a return needs a reason: said next to the field, nothing sent
	await page.getByRole('radio', { name: '差し戻し' }).check();
	await page.getByRole('button', { name: '判定を登録する' }).click();
	await expect(page.locator('[data-field="reason"] .error')).toHaveText(/入力してください。/);
	await page.getByRole('textbox', { name: '理由' }).fill('社員証の勤務先住所が読み取れません。');
	// the confirmation can be declined (Esc): nothing is decided
	await page.getByRole('button', { name: '判定を登録する' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toContainText(/「差し戻し」と判定します。よろしいですか？/);
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('review-status')).toHaveText('受理');
	await page.getByRole('button', { name: '判定を登録する' }).click();
	await dialog.getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '判定「差し戻し」を登録しました。' })).toBeVisible();
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('review-status')).toHaveText('差し戻し', { timeout: 1000 });
	}).toPass({ timeout: 30_000 });
	await expect(page.getByText('デモ審査担当 が')).toBeVisible();
	await expect(page.getByText('この申請は現在判定できません')).toBeVisible();

	// the worker reads the return and its reason in 申請履歴
	await signIn(page, { email, password, userNumber });
	await page.getByRole('link', { name: 'マイページ' }).click();
	await expect(page.getByRole('heading', { name: /利用者登録 ・ 差戻し/ })).toBeVisible();
	await expect(page.getByText('理由: 社員証の勤務先住所が読み取れません。')).toBeVisible();
});

test('two staff decide at once: the second is told who decided first', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await staffSignIn(page, STAFF.reviewer, '/staff/reviews');
	await page.getByRole('row').filter({ hasText: resident.userNumber }).getByRole('link').click();
	await expect(page.getByTestId('review-status')).toHaveText('受理');

	// meanwhile the administrator approves it elsewhere
	await backend.decide(resident.userNumber, 'approve');

	await page.getByRole('radio', { name: '却下' }).check();
	await page.getByRole('textbox', { name: '理由' }).fill('在住を確認できません。');
	await page.getByRole('button', { name: '判定を登録する' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('デモ管理者（demo-staff）');
	await expect(alert).toContainText('「完了（承認）」と判定済み');
	await expect(page.getByText('この申請は現在判定できません')).toBeVisible();
	await expectAccessible(page, 'conflicting decision');
});

test('staff sign-in: a wrong password is refused, and signing out ends the console session @phone', async ({ page }) => {
	await page.goto('/staff');
	await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff/);
	await expect(page.getByText('職員用の画面です。')).toBeVisible();
	await expectAccessible(page, 'staff sign-in');
	await field(page, '職員ID').fill(STAFF.reviewer.id);
	await field(page, 'パスワード').fill('not the password');
	await page.getByRole('button', { name: 'ログイン' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expect(field(page, 'パスワード')).toHaveValue('');
	await staffSignIn(page, STAFF.reviewer);
	await expect(page.getByRole('heading', { level: 1, name: '職員メニュー' })).toBeVisible();
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await expect(page.getByText('ログアウトしました。')).toBeVisible();
	await page.goto('/staff/reviews');
	await expect(page.getByRole('heading', { level: 1, name: '職員ログイン' })).toBeVisible();
});
