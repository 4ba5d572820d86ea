/**
 * The hold's countdown reaching zero (seed 003: 仮押さえ is kept 10 minutes): the page
 * says the time is up and offers 仮押さえ again; the party typed is kept, and a new hold
 * books. The browser's clock is jumped ten minutes ahead (Playwright's clock), and the
 * application clock with it, so the server agrees the first hold has lapsed.
 */
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident, signIn } from './support/citizen';

test('the countdown reaches zero: the hold is gone, the page says so, and a new hold books @phone', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await signIn(page, resident);
	const today = await backend.today();
	await page.clock.install();
	// a resort no other browser test books (their calendars expect free days)
	await page.goto(`/book?facility=minato-izusan&type=wayoshitsu&date=${addDays(today, 22)}`);
	await expect(page.getByRole('heading', { level: 1, name: '予約の入力' })).toBeVisible();
	await page.getByRole('radio', { name: '1泊' }).check();
	await page.getByRole('button', { name: '仮押さえ' }).click();
	const timer = page.getByRole('timer', { name: '仮押さえの残り時間' });
	await expect(timer).toHaveText(/残り (10|9)分\d+秒/);
	await page.getByLabel('1泊目 大人 (中学生以上)').fill('2');

	const { offsetSeconds } = await backend.json<{ offsetSeconds: number }>('GET', '/_local/clock');
	try {
		await backend.moveClock(offsetSeconds + 10 * 60 + 5);
		await page.clock.fastForward('10:05');
		await expect(timer).toHaveCount(0);
		await expect(page.getByRole('status').filter({ hasText: '仮押さえの時間が過ぎました。もう一度「仮押さえ」からやり直してください。' })).toBeVisible();
		await expect(page.getByRole('button', { name: '申込み', exact: true })).toHaveCount(0);
		await expectAccessible(page, 'hold expired');

		await page.getByRole('button', { name: '仮押さえ' }).click();
		await expect(timer).toHaveText(/残り (10|9)分\d+秒/);
		await expect(page.getByLabel('1泊目 大人 (中学生以上)')).toHaveValue('2'); // what was typed is kept
		await page.getByRole('button', { name: '申込み', exact: true }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(page.getByTestId('reservation-number')).toHaveText(/^\d+$/);
	} finally {
		await backend.moveClock(offsetSeconds);
	}
});
