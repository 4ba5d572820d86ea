import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident, signIn } from './support/citizen';

test('a lost network says so, keeps what was typed, and the retry books @phone', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await signIn(page, resident);
	const stay = addDays(await backend.today(), 21);
	await page.goto(`/book?facility=minato-atagawa&type=washitsu&date=${stay}`);
	await expect(page.getByRole('heading', { level: 1, name: '予約の入力' })).toBeVisible();
	await page.getByRole('button', { name: '仮押さえ' }).click();
	await expect(page.getByRole('timer')).toBeVisible();
	await page.getByLabel('1泊目 大人 (中学生以上)').fill('2');
	await page.getByLabel('1泊目 子供 (4歳~小学生)').fill('1');

	// the connection drops as the citizen books
	await page.route('**/v1/reservations', (route) => route.abort('internetdisconnected'));
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('サーバーに接続できませんでした。');
	await expect(alert).toContainText('入力した内容は残っています。');
	await expect(page.getByLabel('1泊目 大人 (中学生以上)')).toHaveValue('2');
	await expectAccessible(page, 'offline');

	// back online: もう一度試す books it, once
	await page.unroute('**/v1/reservations');
	await alert.getByRole('button', { name: 'もう一度試す' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByTestId('reservation-number')).toHaveText(/^\d{10}$/);
});

test('when the session ends, ログイン comes back with the way back, and the booking form is kept', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await signIn(page, resident);
	const stay = addDays(await backend.today(), 22);
	await page.goto(`/book?facility=minato-izusan&type=wayoshitsu&date=${stay}`);
	await page.getByRole('radio', { name: '2泊' }).check();
	await page.getByRole('button', { name: '仮押さえ' }).click();
	await expect(page.getByRole('timer')).toBeVisible();
	await page.getByLabel('1泊目 大人 (中学生以上)').fill('4');

	// the session ends elsewhere (signed out on another device, or it expired)
	const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('yoyaku.session')!).token as string);
	await backend.json('DELETE', '/v1/sessions/current', undefined, token);
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();

	await expect(page.getByRole('heading', { level: 1, name: 'ログイン' })).toBeVisible();
	await expect(page.getByRole('status')).toContainText('ログインの有効期限が切れました。');
	expect(new URL(page.url()).searchParams.get('next')).toContain('/book?facility=minato-izusan');
	await expectAccessible(page, 'session ended');
	await page.getByLabel(/^利用者番号/).fill(resident.userNumber);
	await page.getByLabel(/^パスワード/).fill(resident.password);
	await page.getByRole('button', { name: 'ログイン' }).click();

	// back on the booking page: the hold is still ours, and what was typed is there
	await expect(page.getByRole('heading', { level: 1, name: '予約の入力' })).toBeVisible();
	await expect(page.getByRole('timer')).toBeVisible();
	await expect(page.getByLabel('1泊目 大人 (中学生以上)')).toHaveValue('4');
	await page.getByLabel('2泊目 大人 (中学生以上)').fill('4');
	await page.getByRole('button', { name: '申込み', exact: true }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByTestId('reservation-number')).toHaveText(/^\d{10}$/);

	// signing out on purpose says so
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await expect(page.getByRole('status')).toContainText('ログアウトしました。');
});
