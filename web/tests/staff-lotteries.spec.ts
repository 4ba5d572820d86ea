import { expect, expectAccessible, test } from './support/fixtures';
import { addDays } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

/** `YYYY-MM-DDTHH:MM` in Japan time, `hours` from the runtime's clock. */
async function tokyoLocal(backend: { json: <T>(m: string, p: string) => Promise<T> }, hours: number): Promise<string> {
	const { now } = await backend.json<{ now: string }>('GET', '/_local/clock');
	const at = new Date(Date.parse(now) + hours * 3_600_000 + 9 * 3_600_000);
	return at.toISOString().slice(0, 16);
}

test('a facility manager creates a lottery, draws it early with a reason and sees it drawn and audited', async ({ page, backend }) => {
	const today = await backend.today();
	const stayFrom = addDays(today, 90); // nights no other test's lottery of this facility draws
	await staffSignIn(page, STAFF.manager, '/staff/lotteries');
	await expect(page.getByRole('heading', { level: 1, name: '抽選の管理' })).toBeVisible();
	await expectAccessible(page, 'lotteries');

	await page.getByLabel('施設').selectOption({ label: '大平台みなと荘' });
	await page.getByLabel('宿泊期間 (開始日)').fill(stayFrom);
	await page.getByLabel('宿泊期間 (終了日)').fill(addDays(stayFrom, 1));
	await page.getByLabel('申込開始日時').fill(await tokyoLocal(backend, -1));
	await page.getByLabel('申込締切日時').fill(await tokyoLocal(backend, 1));
	await page.getByLabel('抽選日時').fill(await tokyoLocal(backend, 2));
	await page.getByRole('button', { name: '抽選を作成する' }).click();
	await expect(page.getByRole('dialog')).toContainText('大平台みなと荘 の抽選');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '抽選を作成しました。' })).toBeVisible();

	const [y, m, d] = stayFrom.split('-').map(Number);
	const row = page.getByRole('row').filter({ hasText: `${y}年${m}月${d}日〜` });
	await expect(row).toContainText('受付中');
	const lotteryId = (await row.textContent())!.match(/lot_[0-9a-f]{16}/)![0];

	// entries are still open: drawing now closes them, so the console asks why first
	await row.getByRole('button', { name: /今すぐ抽選する/ }).click();
	const early = page.getByRole('region', { name: '申込受付中の抽選を今すぐ実行する' });
	await expect(early).toContainText('大平台みなと荘 の抽選は');
	await expect(early).toContainText('今すぐ抽選すると、申込はその時点で締め切られます。');
	await early.getByRole('button', { name: '申込を締め切って抽選する' }).click();
	await expect(early.locator('[data-field="reason"] .error')).toBeVisible();
	await expectAccessible(page, 'early draw asks a reason');
	const reason = '施設の改修工事が決まったため、抽選を早めて結果を案内する';
	await early.getByLabel('今すぐ抽選する理由').fill(reason);
	await page.screenshot({ path: 'test-results/staff-lottery-early-draw.png', fullPage: true });
	await early.getByRole('button', { name: '申込を締め切って抽選する' }).click();
	await expect(page.getByRole('dialog')).toContainText('大平台みなと荘 の申込を締め切り、今すぐ抽選します。');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '抽選を開始しました。' })).toBeVisible();
	await expect(early).toHaveCount(0);
	await expect(async () => {
		await page.reload();
		await expect(row).toContainText('抽選済み', { timeout: 1000 });
	}).toPass({ timeout: 60_000 });
	await expect(row.getByRole('link', { name: '抽選の検証情報' })).toBeVisible();
	await expectAccessible(page, 'lottery drawn');

	// the administrator's audit trail names who drew it early, and why
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await staffSignIn(page, STAFF.administrator, '/staff/audit');
	await page.getByLabel('操作', { exact: true }).selectOption({ label: '抽選の実行' });
	await page.getByRole('button', { name: '絞り込む' }).click();
	await expect(page).toHaveURL(/action=lottery.draw_started/);
	await expect(page.getByRole('row').filter({ hasText: '抽選の作成' })).toHaveCount(0);
	const record = page.getByRole('row').filter({ hasText: lotteryId });
	await expect(record).toContainText('デモ施設管理 (demo-manager)');
	await expect(record).toContainText(reason);
	// its details in words: drawn while entries were still open
	await expect(record.getByRole('term')).toHaveText(['申込期間中の実行']);
	await expect(record.getByRole('definition')).toHaveText(['はい']);
});
