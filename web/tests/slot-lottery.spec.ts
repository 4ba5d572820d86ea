import { expect, expectAccessible, test } from './support/fixtures';
import { registerResident, signIn } from './support/citizen';

/** The first day of the month two months after `today` (YYYY-MM-DD → YYYY-MM). */
function periodAfterNext(today: string): string {
	const [y, m] = today.split('-').map(Number) as [number, number];
	const date = new Date(Date.UTC(y, m - 1 + 2, 1));
	return date.toISOString().slice(0, 7);
}

test('a tennis-court win is confirmed with 確定 before its deadline; the one left unconfirmed is released at confirmBy', async ({ page, backend }) => {
	test.setTimeout(300_000);
	const period = periodAfterNext(await backend.today());
	const { lotteryId, confirmBy } = await backend.createSlotLottery(period, 2);

	const resident = await registerResident(page, backend);
	await backend.approve(resident.userNumber);
	const day = `${period}-01`;
	await signIn(page, resident);

	// 抽選の申込み: the week grid of slots with 申込総数/当選可能数, two wishes by their numbers
	await page.getByRole('link', { name: '抽選の申込み' }).click();
	await page.getByRole('link', { name: '上尾運動公園テニスコート 申し込む' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /上尾運動公園テニスコート 申込総数\/当選可能数/ })).toBeVisible();
	await expect(page.getByText('月に2枠(時間帯×面数)までです。')).toBeVisible();
	const nine = page.getByRole('row', { name: /テニスコート（1面） 09:00~11:00/ });
	await nine.getByRole('button', { name: /^0\/4 .* 09:00 を第1希望にする$/ }).first().click();
	const eleven = page.getByRole('row', { name: /テニスコート（1面） 11:00~13:00/ });
	await eleven.getByRole('button', { name: /^0\/4 .* 11:00 を第2希望にする$/ }).first().click();
	await expect(page.getByRole('heading', { level: 3, name: /^第2希望: .* 11:00/ })).toBeVisible();
	await expectAccessible(page, 'slot lottery entry');
	await page.screenshot({ path: 'test-results/slot-lottery-entry.png', fullPage: true });
	await page.getByRole('button', { name: '抽選に申し込む' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '抽選申込みが完了しました。' })).toBeVisible();
	await expect(page.getByRole('listitem').filter({ hasText: /^第1希望/ })).toContainText('09:00から1枠');
	const demand = await backend.json<{ days: { date: string; start?: string; applications: number }[] }>('GET', `/v1/lotteries/${lotteryId}/demand`);
	expect(demand.days.find((d) => d.date === day && d.start === '09:00')?.applications).toBe(1);
	await backend.drawNow(lotteryId);

	await page.goto('/lottery-results');
	await expect(page.getByRole('heading', { level: 1, name: '抽選結果の確認' })).toBeVisible();
	const wins = page.getByRole('listitem').filter({ hasText: '上尾運動公園テニスコート' });
	await expect(wins).toHaveCount(2);
	const first = wins.filter({ hasText: '第1希望で当選しました。' });
	const second = wins.filter({ hasText: '第2希望で当選しました。' });
	await expect(first).toContainText('09:00~11:00');
	await expect(second).toContainText('11:00~13:00');
	// confirmBy is midnight (Tokyo) after the last day: the screen names that last day.
	const lastDay = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(
		new Date(Date.parse(confirmBy) - 1)
	);
	await expect(first).toContainText(`確定期限: ${lastDay}まで`);
	await expectAccessible(page, 'results to confirm');
	await page.screenshot({ path: 'test-results/slot-lottery-results.png', fullPage: true });

	await first.getByRole('button', { name: /^当選を確定する/ }).click();
	await expect(page.getByRole('dialog')).toContainText(/予約番号 \d{10} の当選を確定します。よろしいですか？/);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status')).toContainText(/予約番号 \d{10} の当選を確定しました。/);
	await expect(first).toContainText('当選確定済みです。');
	await expect(first.getByRole('button')).toHaveCount(0);
	await expect(second.getByRole('button', { name: /^当選を確定する/ })).toBeVisible();

	// At confirmBy the schedule releases the second win.
	try {
		const clock = await backend.json<{ now: string }>('GET', '/_local/clock');
		await backend.moveClock(Math.ceil((Date.parse(confirmBy) - Date.parse(clock.now)) / 1000) + 60);
		// Days later the session of 12 hours has ended: a new one, then wait for the release.
		const later = await backend.citizenToken(resident.userNumber, resident.password);
		await expect
			.poll(
				async () => {
					const results = await backend.json<{ items: { wonRank?: number; reservationStatus?: string }[] }>('GET', '/v1/me/lottery-results', undefined, later);
					return results.items.find((r) => r.wonRank === 2)?.reservationStatus;
				},
				{ timeout: 90_000 }
			)
			.toBe('expired');
		await signIn(page, resident);
		await page.goto('/lottery-results');
		await expect(page.getByRole('listitem').filter({ hasText: '第2希望で当選しました。' })).toContainText(
			'確定期限までに確定されなかったため、この当選は取り消されました。'
		);
		await expect(page.getByRole('listitem').filter({ hasText: '第2希望で当選しました。' }).getByRole('button')).toHaveCount(0);
		await expect(page.getByRole('listitem').filter({ hasText: '第1希望で当選しました。' })).toContainText('当選確定済みです。');
		await expectAccessible(page, 'results after the deadline');
		await page.screenshot({ path: 'test-results/slot-lottery-released.png', fullPage: true });
	} finally {
		await backend.moveClock(0);
	}
});
