import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident, signIn } from './support/citizen';

test('a verified resident enters a lottery with three ranked wishes, sees the entry, and wins after the draw', async ({ page, backend }) => {
	const today = await backend.today();
	const stayFrom = addDays(today, 60);
	const { lotteryId } = await backend.createLottery(stayFrom, addDays(stayFrom, 10));

	const resident = await registerResident(page, backend);
	await backend.approve(resident.userNumber); // 本登録: lotteries are for verified residents
	await signIn(page, resident);

	await page.getByRole('link', { name: '抽選の申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '抽選の申込み' })).toBeVisible();
	await expectAccessible(page, 'lottery list');
	await page.getByRole('link', { name: '大平台みなと荘 申し込む' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /大平台みなと荘 申込総数\/当選可能数/ })).toBeVisible();
	await expectAccessible(page, 'demand');

	// three dates in rank order, by their 申込総数/当選可能数 numbers
	for (const rank of [1, 2, 3]) {
		await page.getByRole('button', { name: new RegExp(`を第${rank}希望にする`) }).nth(rank - 1).click();
		await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^第${rank}希望:`) })).toBeVisible();
	}
	await expect(page.getByText('第3希望まで選びました。')).toBeVisible();
	await page.getByRole('group', { name: '宿泊数' }).first().getByRole('radio', { name: '2泊' }).check();
	for (const [i, night] of [[0, 1], [0, 2], [1, 1], [2, 1]] as const) {
		const wish = page.getByRole('region', { name: new RegExp(`^第${i + 1}希望:`) });
		await wish.getByLabel(`${night}泊目 大人 (中学生以上)`).fill('2');
		await wish.getByLabel(`${night}泊目 子供 (4歳~小学生)`).fill('1');
	}
	await page.getByRole('radio', { name: '洋室を希望する' }).check();
	await expectAccessible(page, 'three wishes');
	await page.getByRole('button', { name: '抽選に申し込む' }).click();
	await expect(page.getByRole('dialog')).toContainText('抽選申込みを行います。よろしいですか？');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '抽選申込みが完了しました。' })).toBeVisible();
	await expect(page.getByRole('listitem').filter({ hasText: /^第3希望/ })).toBeVisible();

	// 抽選申込みの確認: the entry with its three wishes, withdrawable while open
	await page.getByRole('link', { name: '抽選申込みの確認・取消し' }).click();
	await expect(page.getByRole('cell', { name: '第1希望' })).toBeVisible();
	await expect(page.getByRole('cell', { name: '第3希望' })).toBeVisible();
	await expect(page.getByRole('button', { name: '取消し' })).toBeVisible();
	await expectAccessible(page, 'entries');

	// the draw, then 抽選結果の確認: 当選 with the reservation number
	await backend.drawNow(lotteryId);
	await page.goto('/lottery-results');
	await expect(page.getByRole('heading', { level: 2, name: /当選 大平台みなと荘/ })).toBeVisible();
	await expect(page.getByText(/第1希望で当選しました。予約番号 \d{10}/)).toBeVisible();
	// the stay won: the first wish, two nights, the party of each night
	const won = page.getByRole('table', { name: '当選した内容' });
	await expect(won.getByRole('cell', { name: '第1希望' })).toBeVisible();
	await expect(won).toContainText('2泊');
	await expect(won).toContainText('2泊目');
	await expectAccessible(page, 'results');
	const number = /予約番号 (\d{10})/.exec((await page.getByText(/第1希望で当選しました。/).textContent())!)![1]!;
	await page.goto('/reservations');
	await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText('抽選');
	await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText('2泊');
});
