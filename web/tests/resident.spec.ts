import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, field, fillRegistration, jaDate, registerResident, signIn } from './support/citizen';
import { uniqueEmail } from './support/fixtures';

test('a resident registers, confirms by the e-mailed link, signs in, books two nights, changes the party and cancels', async ({ page, backend }) => {
	// 新規利用者登録: the form says what is wrong next to each field, from the API's 422.
	await page.goto('/');
	await page.getByRole('link', { name: '新規利用者登録' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '新規利用者登録' })).toBeVisible();
	await expectAccessible(page, 'registration form');
	await page.getByRole('button', { name: '確認' }).click();
	await expect(page.getByText('入力してください。').first()).toBeVisible();
	const email = uniqueEmail('resident-bad');
	await fillRegistration(page, email, 'minato2024');
	await field(page, '電話番号').fill('12345');
	await page.getByRole('button', { name: '確認' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認' })).toBeVisible();
	await expectAccessible(page, 'registration review');
	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	// back on the input step, the phone's message next to the phone, the rest kept
	const phone = field(page, '電話番号');
	await expect(phone).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('[data-field="phone"] .error')).toBeVisible();
	await expect(field(page, '氏名漢字')).toHaveValue('港　太郎');
	await expectAccessible(page, 'registration with errors');

	// the real registration, confirmation by the e-mailed link, the user number at once
	const resident = await registerResident(page, backend);
	await expectAccessible(page, 'registration confirmed');
	await signIn(page, resident);

	// 空き室照会 → the 2-month calendar → the week → booking, two nights
	const today = await backend.today();
	const stay = addDays(today, 20);
	await page.getByRole('link', { name: '空き室照会・予約' }).click();
	await page.getByRole('link', { name: '大平台みなと荘' }).click();
	await expect(page.getByRole('heading', { level: 1, name: /大平台みなと荘 空き状況/ })).toBeVisible();
	await expectAccessible(page, 'calendar');
	await page.getByRole('link', { name: new RegExp(`^${jaDate(stay)} ●`) }).click();
	await expect(page.getByRole('heading', { level: 1, name: /1週間の空き状況/ })).toBeVisible();
	await expectAccessible(page, 'week');
	await page.getByRole('link', { name: /空き\d+/ }).first().click();

	await expect(page.getByRole('heading', { level: 1, name: '予約の入力' })).toBeVisible();
	await page.getByRole('radio', { name: '2泊' }).check();
	await page.getByRole('radio', { name: '1' }).last().check();
	await page.getByRole('button', { name: '仮押さえ' }).click();
	const timer = page.getByRole('timer', { name: '仮押さえの残り時間' });
	await expect(timer).toHaveText(/残り (10|9)分\d+秒/);
	const first = await timer.textContent();
	await page.waitForTimeout(1500);
	expect(await timer.textContent()).not.toBe(first); // it counts down
	await expectAccessible(page, 'hold with countdown');

	await page.getByLabel('1泊目 大人 (中学生以上)').fill('3');
	await page.getByLabel('1泊目 子供 (4歳~小学生)').fill('2');
	await page.getByLabel('2泊目 大人 (中学生以上)').fill('3');
	await page.getByLabel('2泊目 子供 (4歳~小学生)').fill('2');
	await page.getByRole('radio', { name: '和室を希望する' }).check();
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog).toContainText('予約の申込みを行います。よろしいですか？');
	await dialog.getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約が完了しました。予約番号を確認してください。' })).toBeVisible();
	const number = (await page.getByTestId('reservation-number').textContent())!.trim();
	expect(number).toMatch(/^\d{10}$/);
	await expectAccessible(page, 'booked');

	// the printable receipt
	await page.getByRole('link', { name: '予約内容を印刷する' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約内容' })).toBeVisible();
	await expect(page.getByTestId('reservation-number')).toHaveText(number);
	await expect(page.getByRole('button', { name: '印刷する' })).toBeVisible();
	await expectAccessible(page, 'receipt');

	// 予約の確認・変更: the party of the second night changes
	await page.goto('/reservations');
	await expect(page.getByRole('cell', { name: number, exact: true })).toBeVisible();
	await expectAccessible(page, 'reservations');
	await page.getByRole('link', { name: `変更 ${number}` }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約の変更' })).toBeVisible();
	await expect(page.getByLabel('2泊目 大人 (中学生以上)')).toHaveValue('3');
	await page.getByLabel('2泊目 大人 (中学生以上)').fill('2');
	await page.getByLabel('2泊目 子供 (4歳~小学生)').fill('1');
	await expectAccessible(page, 'change');
	await page.getByRole('button', { name: '変更', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約の変更が完了しました。' })).toBeVisible();
	await expect(page.getByRole('row', { name: /2泊目/ })).toContainText('大人 (中学生以上) 2人');
	await expect(page.getByRole('row', { name: /2泊目/ })).toContainText('子供 (4歳~小学生) 1人');

	// 予約の取消し
	await page.goto('/reservations/cancel');
	await expectAccessible(page, 'cancel');
	await page.getByRole('checkbox', { name: `選択 ${number}` }).check();
	await page.getByRole('button', { name: '取消し' }).click();
	await expect(page.getByRole('dialog')).toContainText('選択した1件の予約を取り消します。よろしいですか？');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status')).toContainText('予約の取消しが完了しました。');
	await expect(page.getByRole('checkbox', { name: `選択 ${number}` })).toHaveCount(0);
	await page.goto('/reservations');
	await expect(page.getByRole('row', { name: new RegExp(number) })).toContainText('取消済み');
});
