import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, field, jaDate, registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

interface DayAvailability {
	date: string;
	available: number;
	mark: string;
	closedReason: string | null;
}

test('a facility manager creates a facility, opens its inventory, and cannot close a day that has a reservation: the preview names it and the booking stays @phone', async ({
	page,
	backend
}) => {
	const facilityId = `inn-${Date.now() % 100_000_000}`;
	const name = `みなと保養所 ${facilityId}`;
	const today = await backend.today();
	const booked = addDays(today, 21);
	const free = addDays(today, 22);

	// 施設の管理 from the staff menu; a new facility with one room type
	await staffSignIn(page, STAFF.manager, '/staff');
	await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '施設の管理' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '施設の管理' })).toBeVisible();
	await expectAccessible(page, 'facility list');
	await page.getByRole('link', { name: '施設を登録する' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '施設を登録する' })).toBeVisible();
	await field(page, '施設ID').fill(facilityId);
	await field(page, '施設名').fill(name);
	await page.getByRole('textbox', { name: '自治体', exact: true }).fill('港区');
	await field(page, '種類ID').fill('room');
	await field(page, '名称').fill('和室');
	await page.getByRole('textbox', { name: '定員 (人)', exact: true }).fill('5');
	// a rule the API refuses: its message appears next to the field
	await field(page, '1回の予約でとれる数').fill('0');
	await expectAccessible(page, 'new facility');
	await page.getByRole('button', { name: '保存する' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	const units = page.locator('[data-field="rules.maxUnitsPerBooking"]');
	await expect(units.locator('.error')).toBeVisible();
	await expect(field(page, '1回の予約でとれる数')).toHaveAttribute('aria-invalid', 'true');
	await field(page, '1回の予約でとれる数').fill('2');
	await field(page, '1回の予約でとれる数').press('Enter'); // by keyboard
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).press('Enter');
	await expect(page).toHaveURL(new RegExp(`/staff/facilities/${facilityId}\\?saved=1$`));
	await expect(page.getByRole('status').filter({ hasText: `施設「${name}」を保存しました。` })).toBeVisible();
	await expect(page.getByRole('link', { name: '施設とルール' })).toHaveAttribute('aria-current', 'page');
	await expect(field(page, '施設名')).toHaveValue(name);
	await expectAccessible(page, 'edit facility');

	// inventory: two rooms a day for the next two months
	await page.getByRole('navigation', { name: '施設の設定' }).getByRole('link', { name: '在庫の設定' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '在庫の設定' })).toBeVisible();
	await field(page, '期間 (開始日)').fill(today);
	await field(page, '期間 (終了日)').fill(addDays(today, 60));
	await field(page, '予約できる数').fill('2');
	await expectAccessible(page, 'inventory');
	await page.getByRole('button', { name: '在庫を設定する' }).click();
	await expect(page.getByRole('dialog')).toContainText('和室');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '和室 の在庫を設定しました (61日分が変わりました)。' })).toBeVisible();

	// a resident books a room three weeks ahead
	const resident = await registerResident(page, backend);
	const { token } = await backend.json<{ token: string }>('POST', '/v1/sessions', {
		userNumber: resident.userNumber,
		password: resident.password
	});
	const held = await backend.json<{ holdId: string }>(
		'POST',
		'/v1/holds',
		{ facilityId, resourceTypeId: 'room', date: booked, nights: 1, quantity: 1 },
		token
	);
	const { reservationNumber } = await backend.json<{ reservationNumber: string }>(
		'POST',
		'/v1/reservations',
		{ holdId: held.holdId, party: [{ night: 1, adults: 2, children: 0 }] },
		token
	);

	// the manager tries to close that day and the next: the preview names the booking
	await page.goto(`/staff/facilities/${facilityId}/closures`);
	await expect(page.getByRole('heading', { level: 1, name: '休館日' })).toBeVisible();
	await expectAccessible(page, 'closures');
	for (const day of [booked, free]) {
		await page.getByLabel('臨時休館日に追加する日').fill(day);
		await page.getByRole('button', { name: '追加する', exact: true }).click();
	}
	await expect(page.getByRole('button', { name: `${booked} を削除する` })).toBeVisible();
	await page.getByRole('button', { name: '影響を確認する' }).click();
	const result = page.getByRole('region', { name: '確認結果' });
	await expect(page.getByRole('heading', { name: '確認結果' })).toBeFocused();
	await expect(page.getByRole('alert').filter({ hasText: '予約・仮押さえがあるため' })).toBeVisible();
	const conflict = result.getByRole('region', { name: '休館日にかかる予約' }).getByRole('row').filter({ hasText: reservationNumber });
	await expect(conflict).toContainText(jaDate(booked));
	await expect(conflict).toContainText('港　太郎');
	await expect(conflict).toContainText(`利用者番号 ${resident.userNumber}`);
	await expect(conflict).toContainText('和室');
	await expect(page.getByRole('button', { name: '休館日を保存する' })).toHaveCount(0);
	await expect(result).toBeVisible();
	await expectAccessible(page, 'closure preview with a conflict');

	// the API refuses it too, naming the reservation, and writes nothing
	const refused = await page.request.fetch(`/v1/staff/facilities/${facilityId}/closures`, {
		method: 'PUT',
		data: JSON.stringify({ closedDates: [booked, free], reason: '点検' }),
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await backend.staffToken()}` }
	});
	expect(refused.status()).toBe(409);
	expect((await refused.json()).detail).toContain(reservationNumber);

	// only the free day: no conflict, saved with a reason
	await page.getByRole('button', { name: `${booked} を削除する` }).click();
	await expect(page.getByRole('heading', { name: '確認結果' })).toHaveCount(0);
	await page.getByRole('button', { name: '影響を確認する' }).click();
	await expect(page.getByText('休館になる日に予約はありません。保存できます。')).toBeVisible();
	await page.getByRole('button', { name: '休館日を保存する' }).click();
	await expect(page.locator('[data-field="reason"] .error')).toHaveText(/入力してください。/);
	await page.getByRole('textbox', { name: '変更の理由' }).fill('設備点検のため臨時休館');
	await page.getByRole('button', { name: '休館日を保存する' }).click();
	await expect(page.getByRole('dialog')).toContainText('1件の在庫をすぐに閉じます');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '休館日を保存しました (1件の在庫を閉じました)。' })).toBeVisible();
	await expectAccessible(page, 'closures saved');

	// the free day is closed; the booked day keeps its booking and its other room
	const calendar = await backend.json<{ days: DayAvailability[] }>(
		'GET',
		`/v1/facilities/${facilityId}/availability?from=${booked}&to=${free}`
	);
	const [bookedDay, freeDay] = calendar.days;
	expect([bookedDay!.mark, bookedDay!.available]).toEqual(['partial', 1]);
	expect([freeDay!.mark, freeDay!.closedReason]).toEqual(['closed', 'date']);
	const reservation = await backend.json<{ status: string }>('GET', `/v1/reservations/${reservationNumber}`, undefined, token);
	expect(reservation.status).toBe('confirmed');

	// the administrator finds the closure in 操作記録, with who and why
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await staffSignIn(page, STAFF.administrator, '/staff/audit');
	await page.getByLabel('操作', { exact: true }).selectOption({ label: '休館日の設定' });
	await page.getByRole('button', { name: '絞り込む' }).click();
	const record = page.getByRole('row').filter({ hasText: '設備点検のため臨時休館' }).first();
	await expect(record).toContainText('デモ施設管理 (demo-manager)');
	await expect(record).toContainText(facilityId);

	// a reviewer's role has no `facilities`: the pages say so (and the API refuses it)
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await staffSignIn(page, STAFF.reviewer, `/staff/facilities/${facilityId}/closures`);
	await expect(page.getByRole('heading', { level: 1, name: 'この画面はあなたの権限では使えません。' })).toBeVisible();
	await expect(page.getByRole('navigation', { name: '職員メニュー' })).toHaveCount(0);
});
