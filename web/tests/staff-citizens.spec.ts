import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

test('a reviewer looks a citizen up by user number, sees their application and reservation, and ends their sign-in lock', async ({
	page,
	backend
}) => {
	// a resident registers on the screens, books a room, then forgets the password
	const resident = await registerResident(page, backend);
	const token = await backend.citizenToken(resident.userNumber, resident.password);
	const day = addDays(await backend.today(), 21);
	const held = await backend.json<{ holdId: string }>(
		'POST',
		'/v1/holds',
		{ facilityId: 'minato-ohiradai', resourceTypeId: 'room', date: day, nights: 1, quantity: 1 },
		token
	);
	const { reservationNumber } = await backend.json<{ reservationNumber: string }>(
		'POST',
		'/v1/reservations',
		{ holdId: held.holdId, party: [{ night: 1, adults: 2, children: 0 }] },
		token
	);
	for (let i = 0; i < 5; i++) {
		const wrong = await page.request.post('/v1/sessions', { data: { userNumber: resident.userNumber, password: 'wrong-password' } });
		expect(wrong.ok()).toBe(false);
	}
	const locked = await page.request.post('/v1/sessions', { data: { userNumber: resident.userNumber, password: resident.password } });
	expect(locked.status()).toBe(423);

	await staffSignIn(page, STAFF.reviewer, '/staff');
	await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '利用者の照会' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '利用者の照会' })).toBeVisible();

	// a malformed number is refused next to the field, before any request
	const number = page.getByRole('textbox', { name: '利用者番号' });
	await number.fill('12ab');
	await page.getByRole('button', { name: '探す' }).click();
	await expect(page.locator('[data-field="userNumber"] .error')).toHaveText(/利用者番号を数字/);
	// an unknown one: the API's answer
	await number.fill('999999999');
	await page.getByRole('button', { name: '探す' }).click();
	await expect(page.getByRole('alert')).toContainText('利用者が見つかりません。');

	await number.fill(resident.userNumber);
	await number.press('Enter');
	await expect(page).toHaveURL(new RegExp(`/staff/citizens\\?userNumber=${resident.userNumber}$`));
	await expect(page.getByRole('heading', { level: 2, name: `港　太郎 様 (利用者番号 ${resident.userNumber})` })).toBeVisible();
	await expect(page.getByTestId('citizen-status')).toHaveText('仮登録');
	await expect(page.getByTestId('sign-in-state')).toContainText('ログイン制限中 (パスワードの誤り 5回連続)');
	const profile = page.getByRole('region', { name: '登録内容' });
	await expect(profile.getByRole('row', { name: /氏名カタカナ/ })).toContainText('ミナト');
	await expect(profile).toContainText(resident.email);
	const applications = page.getByRole('region', { name: '申請 (1件)' });
	await expect(applications).toContainText('利用者登録');
	await expect(applications.getByRole('listitem').first()).toContainText('受付');
	// a reviewer may open the application's review from here
	await expect(applications.getByRole('link', { name: '審査画面を開く' })).toBeVisible();
	const reservations = page.getByRole('region', { name: '予約', exact: true });
	await expect(reservations.getByRole('row').filter({ hasText: reservationNumber })).toContainText('大平台みなと荘');
	await expect(page.getByRole('heading', { name: '抽選の申込み' }).locator('..')).toContainText('抽選の申込みはありません。');
	await expectAccessible(page, 'citizen found');

	// unlocking needs a reason, and a confirmation
	const unlock = page.getByRole('region', { name: 'ログイン制限の解除' });
	await unlock.getByRole('button', { name: 'ログイン制限を解除する' }).click();
	await expect(page.locator('[data-field="reason"] .error')).toHaveText(/入力してください。/);
	await unlock.getByRole('textbox', { name: '解除の理由' }).fill('本人から電話で依頼あり。氏名・生年月日で本人確認済み。');
	await unlock.getByRole('button', { name: 'ログイン制限を解除する' }).click();
	await expect(page.getByRole('dialog')).toContainText(`利用者番号 ${resident.userNumber} (港　太郎 様) のログイン制限を解除します。`);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: `利用者番号 ${resident.userNumber} のログイン制限を解除しました。` })).toBeVisible();
	await expect(page.getByTestId('sign-in-state')).toHaveText('制限なし');
	await expect(page.getByRole('region', { name: 'ログイン制限の解除' })).toHaveCount(0);
	await expectAccessible(page, 'after unlocking');

	// the citizen signs in at once, and the unlock is in the audit trail with its reason
	await backend.citizenToken(resident.userNumber, resident.password);
	const audit = await backend.json<{ items: { action: string; target: { id: string }; reason: string; staff: { name: string } }[] }>(
		'GET',
		`/v1/staff/audit?targetType=citizen&targetId=${resident.userNumber}`,
		undefined,
		await backend.staffToken()
	);
	expect(audit.items.map((r) => [r.action, r.reason, r.staff.name])).toEqual([
		['account.unlocked', '本人から電話で依頼あり。氏名・生年月日で本人確認済み。', STAFF.reviewer.name]
	]);
});

test('a facility manager looks citizens up but is not offered the unlock, and the page speaks English', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	for (let i = 0; i < 5; i++) {
		await page.request.post('/v1/sessions', { data: { userNumber: resident.userNumber, password: 'wrong-password' } });
	}
	await staffSignIn(page, STAFF.manager, `/staff/citizens?userNumber=${resident.userNumber}`);
	await expect(page.getByTestId('sign-in-state')).toContainText('ログイン制限中');
	await expect(page.getByRole('region', { name: 'ログイン制限の解除' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: '審査画面を開く' })).toHaveCount(0);
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Citizens' })).toBeVisible();
	await expect(page.getByTestId('sign-in-state')).toContainText('Locked (5 wrong passwords in a row)');
	await expectAccessible(page, 'citizen in English');
});
