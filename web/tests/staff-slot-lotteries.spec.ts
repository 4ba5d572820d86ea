import { expect, expectAccessible, test } from './support/fixtures';
import { registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

/** `YYYY-MM-DDTHH:MM` in Japan time, `hours` from the runtime's clock. */
async function tokyoLocal(backend: { json: <T>(m: string, p: string) => Promise<T> }, hours: number): Promise<string> {
	const { now } = await backend.json<{ now: string }>('GET', '/_local/clock');
	const at = new Date(Date.parse(now) + hours * 3_600_000 + 9 * 3_600_000);
	return at.toISOString().slice(0, 16);
}

/** The month after `today` (YYYY-MM-DD → YYYY-MM): slot-lottery.spec draws the one after. */
function nextMonth(today: string): string {
	const [y, m] = today.split('-').map(Number) as [number, number];
	return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

test('a facility manager creates a monthly tennis-court lottery, watches demand per slot, draws it early and sees each win to confirm', async ({
	page,
	backend
}) => {
	test.setTimeout(300_000);
	const period = nextMonth(await backend.today());
	const [y, m] = period.split('-').map(Number) as [number, number];
	await staffSignIn(page, STAFF.manager, '/staff/lotteries');
	await expect(page.getByRole('heading', { level: 1, name: '抽選の管理' })).toBeVisible();

	// The facility decides the form: a stay period for lodging, a month and a cap for courts.
	await page.getByLabel('施設').selectOption({ label: '大平台みなと荘' });
	await expect(page.getByLabel('宿泊期間 (開始日)')).toBeVisible();
	await expect(page.getByLabel('抽選の対象月')).toHaveCount(0);
	await page.getByLabel('施設').selectOption({ label: '上尾運動公園テニスコート' });
	await expect(page.getByLabel('宿泊期間 (開始日)')).toHaveCount(0);
	await page.getByLabel('抽選の対象月').fill(period);
	// choosing the month fills in the municipal calendar: the month before, 1st–10th, draw on the 15th
	const before = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
	await expect(page.getByLabel('申込開始日時')).toHaveValue(`${before}-01T00:00`);
	await expect(page.getByLabel('抽選日時')).toHaveValue(`${before}-15T10:00`);
	await page.getByLabel('当選確定の期限 (抽選日から何日以内)').fill('0');
	await page.getByLabel('1人 (1団体) が当選できる上限 (コマ数)').fill('4');
	await page.getByRole('button', { name: '抽選を作成する' }).click();
	await expect(page.locator('[data-field="confirmWithinDays"] .error')).toContainText('1から30までの整数');
	await expectAccessible(page, 'slot lottery form with an error');
	// entries open now in this test (the calendar's dates may have passed this month)
	await page.getByLabel('申込開始日時').fill(await tokyoLocal(backend, -1));
	await page.getByLabel('申込締切日時').fill(await tokyoLocal(backend, 1));
	await page.getByLabel('抽選日時').fill(await tokyoLocal(backend, 2));
	await page.getByLabel('当選確定の期限 (抽選日から何日以内)').fill('3');
	await page.screenshot({ path: 'test-results/staff-slot-lottery-form.png', fullPage: true });
	await page.getByRole('button', { name: '抽選を作成する' }).click();
	await expect(page.getByRole('dialog')).toContainText(`上尾運動公園テニスコート の ${y}年${m}月 分の抽選を作成します。`);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '抽選を作成しました。' })).toBeVisible({ timeout: 180_000 });

	const row = page.getByRole('row').filter({ hasText: `${y}年${m}月分` });
	await expect(row).toContainText('時間枠 (月単位)');
	await expect(row).toContainText('当選上限 4コマ');
	await expect(row).toContainText('受付中');
	const lotteryId = (await row.textContent())!.match(/lot_[0-9a-f]{16}/)![0];
	await expectAccessible(page, 'lotteries of both kinds');

	// A resident enters: two courts on the first Saturday morning of the month after the
	// 3rd (the sports facilities close over the new year, 1/1–1/3).
	const resident = await registerResident(page, backend);
	await backend.approve(resident.userNumber);
	const token = await backend.citizenToken(resident.userNumber, resident.password);
	const first = new Date(Date.UTC(y, m - 1, 4));
	while (first.getUTCDay() !== 6) first.setUTCDate(first.getUTCDate() + 1);
	const saturday = first.toISOString().slice(0, 10);
	await backend.json(
		'POST',
		`/v1/lotteries/${lotteryId}/entries`,
		{ preferences: [{ rank: 1, date: saturday, resourceTypeId: 'court', start: '09:00', quantity: 2 }] },
		token
	);

	// The lottery's page: demand per slot, one row per day, a column per slot.
	await page.goto('/staff/lotteries'); // the staff session lives beside the citizen's
	await page.getByRole('row').filter({ hasText: lotteryId }).getByRole('link', { name: '申込状況・抽選結果' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '抽選の詳細: 上尾運動公園テニスコート' })).toBeVisible();
	const demand = page.getByRole('region', { name: 'テニスコート（1面） の申込総数/当選可能数' });
	const [, sm, sd] = saturday.split('-').map(Number);
	const saturdayRow = demand.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${sm}/${sd}\\(`) }) });
	await expect(saturdayRow.getByRole('cell').first()).toHaveText('1/4'); // one application (for two of the four courts)
	await expect(demand.getByRole('columnheader', { name: '09:00–11:00' })).toBeVisible();
	await expect(page.getByText('抽選後に、申込者ごとの当選・落選と当選確定の状況が表示されます。')).toBeVisible();
	await expect(page.getByRole('link', { name: '抽選の検証情報' })).toHaveAttribute('href', `/v1/lotteries/${lotteryId}/audit`);
	await expectAccessible(page, 'slot lottery page before the draw');
	await page.screenshot({ path: 'test-results/staff-slot-lottery-demand.png', fullPage: true });

	// Drawn early by keyboard: entries are open, so a reason first, then the confirmation.
	await page.getByRole('button', { name: '今すぐ抽選する' }).focus();
	await page.keyboard.press('Enter');
	const early = page.getByRole('region', { name: '申込受付中の抽選を今すぐ実行する' });
	await expect(early.getByRole('heading', { name: '申込受付中の抽選を今すぐ実行する' })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(early.getByLabel('今すぐ抽選する理由')).toBeFocused();
	await page.keyboard.type('コート改修のため抽選を早める');
	await page.keyboard.press('Tab');
	await expect(early.getByRole('button', { name: '申込を締め切って抽選する' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('dialog')).toContainText('上尾運動公園テニスコート の申込を締め切り、今すぐ抽選します。');
	await page.keyboard.press('Enter'); // OK has focus in the dialog
	await expect(page.getByRole('status').filter({ hasText: '抽選を開始しました。' })).toBeVisible();

	const results = page.getByRole('region', { name: '抽選結果' });
	await expect(async () => {
		await page.reload();
		await expect(results.getByRole('row').filter({ hasText: resident.userNumber })).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 90_000 });
	const win = results.getByRole('row').filter({ hasText: resident.userNumber });
	await expect(win).toContainText('当選 (第1希望)');
	await expect(win).toContainText('09:00–11:00');
	await expect(win).toContainText('テニスコート（1面） × 2');
	await expect(win).toContainText('当選確定待ち');
	const lottery = await backend.json<{ confirmBy: string }>('GET', `/v1/lotteries/${lotteryId}`);
	// confirmBy is midnight (Tokyo) after the last day: the console names that last day.
	const lastDay = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(
		new Date(Date.parse(lottery.confirmBy) - 1)
	);
	await expect(win).toContainText(`${lastDay}まで`);
	await expectAccessible(page, 'slot lottery results');
	await page.screenshot({ path: 'test-results/staff-slot-lottery-results.png', fullPage: true });
	await page.setViewportSize({ width: 375, height: 740 }); // a phone: the wide tables scroll
	await expectAccessible(page, 'slot lottery results on a phone');
	await page.screenshot({ path: 'test-results/staff-slot-lottery-phone.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 900 });

	// The winner confirms (当選確定): staff see it as 確定.
	const number = (await win.getByRole('cell').nth(3).textContent())!.trim();
	expect(number).toMatch(/^\d{10}$/);
	await backend.json('POST', `/v1/reservations/${number}/confirmation`, {}, token);
	await page.reload();
	await expect(results.getByRole('row').filter({ hasText: number })).toContainText('確定');
	await expect(results.getByRole('row').filter({ hasText: number })).not.toContainText('当選確定待ち');
});
