import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, field } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

test('a facility manager publishes, schedules and withdraws notices; the top page follows; the administrator finds it in 操作記録', async ({
	page,
	backend
}) => {
	const stamp = Date.now();
	const shown = `臨時休館のお知らせ ${stamp}`;
	const later = `年末年始の開館時間 ${stamp}`;
	const reason = '日付に誤りがあったため';

	await staffSignIn(page, STAFF.manager, '/staff/notices');
	await expect(page.getByRole('heading', { level: 1, name: 'お知らせ管理' })).toBeVisible();
	await expectAccessible(page, 'notices');

	// a notice shown at once: title and text are required, then a confirmation
	await page.getByRole('button', { name: '掲載する' }).click();
	await expect(page.locator('[data-field="title"] .error')).toHaveText(/入力してください。/);
	await field(page, 'タイトル').fill(shown);
	await page.getByRole('textbox', { name: '本文' }).fill('6月10日は設備点検のため休館します。');
	await page.getByRole('button', { name: '掲載する' }).click();
	await expect(page.getByRole('dialog')).toContainText(`お知らせ「${shown}」を掲載します。`);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: `お知らせ「${shown}」を登録しました。` })).toBeVisible();
	await expect(page.getByRole('row').filter({ hasText: shown })).toContainText('掲載中');

	// one for later, typed by keyboard only
	const from = addDays(await backend.today(), 200);
	await field(page, 'タイトル').focus();
	await page.keyboard.type(later);
	await page.keyboard.press('Tab');
	await page.keyboard.type('12月29日から1月3日まで休館します。');
	await page.getByLabel('掲載開始日時').fill(`${from}T09:00`);
	await page.getByLabel('掲載開始日時').press('Enter');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).press('Enter');
	await expect(page.getByRole('row').filter({ hasText: later })).toContainText('掲載予定');

	// the top page shows the first, not the scheduled one
	await page.goto('/');
	await expect(page.getByText(shown)).toBeVisible();
	await expect(page.getByText(later)).toHaveCount(0);

	// withdrawn with a reason: gone from the top page at once
	await page.goto('/staff/notices');
	await page.getByRole('button', { name: `取り下げる: ${shown}` }).click();
	await expect(page.getByRole('heading', { name: `お知らせ「${shown}」の取下げ` })).toBeFocused();
	await page.getByRole('button', { name: '取下げを確定する' }).click();
	await expect(page.locator('[data-field="reason"] .error')).toHaveText(/入力してください。/);
	await page.getByRole('textbox', { name: '取下げの理由' }).fill(reason);
	await page.getByRole('button', { name: '取下げを確定する' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: `お知らせ「${shown}」を取り下げました。` })).toBeVisible();
	const row = page.getByRole('row').filter({ hasText: shown });
	await expect(row).toContainText('取下げ済み');
	await expect(row).toContainText(`demo-manager が取下げ: ${reason}`);
	await expect(row.getByRole('button')).toHaveCount(0);
	await expectAccessible(page, 'notices after withdrawal');
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'お知らせ' })).toBeVisible();
	await expect(page.getByText(shown)).toHaveCount(0);

	// the console speaks English too
	await page.goto('/staff/notices');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Notices' })).toBeVisible();
	await page.getByRole('button', { name: '日本語' }).click();

	// a facility manager may not read the audit trail; the administrator does
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await staffSignIn(page, STAFF.administrator, '/staff/audit');
	await expect(page.getByRole('heading', { level: 1, name: '操作記録' })).toBeVisible();
	await page.getByLabel('操作', { exact: true }).selectOption({ label: 'お知らせの取下げ' });
	await page.getByRole('textbox', { name: '職員ID' }).fill(STAFF.manager.id);
	await page.getByRole('button', { name: '絞り込む' }).click();
	await expect(page).toHaveURL(/action=notice.withdrawn/);
	await expect(page.getByRole('row').filter({ hasText: 'お知らせの掲載' })).toHaveCount(0);
	const record = page.getByRole('row').filter({ hasText: shown });
	await expect(record).toContainText('デモ施設管理 (demo-manager)');
	await expect(record).toContainText('お知らせの取下げ');
	await expect(record).toContainText(reason);
	await expectAccessible(page, 'audit trail');

	// a period that ends before it starts is refused next to the field
	await page.getByLabel('期間 (開始日)').fill('2030-05-15');
	await page.getByLabel('期間 (終了日)').fill('2030-05-14');
	await page.getByRole('button', { name: '絞り込む' }).click();
	await expect(page.locator('[data-field="to"] .error')).toBeVisible();
});
