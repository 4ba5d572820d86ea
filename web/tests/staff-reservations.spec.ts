import { readFileSync } from 'node:fs';
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

test('a facility manager finds the day’s arrivals, exports them as CSV, and cancels one on the citizen’s behalf, who is e-mailed', async ({
	page,
	backend
}) => {
	// a resident books two rooms at 大平台みなと荘 for two nights
	const resident = await registerResident(page, backend);
	const day = addDays(await backend.today(), 21);
	const { token } = await backend.json<{ token: string }>('POST', '/v1/sessions', {
		userNumber: resident.userNumber,
		password: resident.password
	});
	const held = await backend.json<{ holdId: string }>(
		'POST',
		'/v1/holds',
		{ facilityId: 'minato-ohiradai', resourceTypeId: 'room', date: day, nights: 2, quantity: 2 },
		token
	);
	const party = [1, 2].map((night) => ({ night, adults: 3, children: 1 }));
	const { reservationNumber } = await backend.json<{ reservationNumber: string }>(
		'POST',
		'/v1/reservations',
		{ holdId: held.holdId, party, roomStyle: 'japanese' },
		token
	);

	await staffSignIn(page, STAFF.manager, '/staff');
	await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '予約の確認・取消し' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約の確認・取消し' })).toBeVisible();
	await page.getByLabel('施設').selectOption({ label: '大平台みなと荘' });
	await page.getByLabel('利用日').fill(day);
	await page.getByLabel('利用日').press('Enter');
	await expect(page).toHaveURL(new RegExp(`facilityId=minato-ohiradai&date=${day}`));
	const arrivals = page.getByRole('region', { name: /の予約 \(\d+件\)$/ });
	const row = arrivals.getByRole('row').filter({ hasText: reservationNumber });
	await expect(row).toContainText('2泊');
	await expect(row).toContainText('大人3人・子供1人');
	await expect(row).toContainText('和室');
	await expect(row).toContainText('港　太郎');
	await expect(row.getByRole('link', { name: `利用者番号 ${resident.userNumber}` })).toHaveAttribute('href', `/staff/citizens?userNumber=${resident.userNumber}`);
	await expect(row).toContainText('予約済み');
	await expectAccessible(page, 'check-in list');

	// the day as CSV: opened and checked
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'この日のCSVを書き出す' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toBe(`reservations-minato-ohiradai-${day}.csv`);
	const bytes = readFileSync((await file.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheets need
	const text = bytes.toString('utf8').replace(/^\ufeff/, '');
	const [header, ...lines] = text.trim().split('\r\n');
	expect(header!.split(',')).toEqual(expect.arrayContaining(['reservationNumber', 'date', 'nights', 'quantity', 'adults', 'name', 'phone']));
	const mine = lines.map((l) => l.split(',')).find((cells) => cells[0] === reservationNumber)!;
	const col = (name: string) => mine[header!.split(',').indexOf(name)];
	expect([col('date'), col('nights'), col('quantity'), col('adults'), col('children'), col('roomStyle')]).toEqual([day, '2', '2', '3', '1', 'japanese']);
	expect([col('userNumber'), col('name'), col('status')]).toEqual([resident.userNumber, '港　太郎', 'confirmed']);
	await expect(page.getByRole('status').filter({ hasText: 'を書き出しました。' })).toBeVisible();

	// the citizen's reservations by user number (a malformed number is refused at the field)
	const userNumberBox = page.getByRole('textbox', { name: '利用者番号' });
	await userNumberBox.fill('abc');
	await page.getByRole('button', { name: '利用者番号で探す' }).click();
	await expect(page.locator('[data-field="userNumber"] .error')).toHaveText(/利用者番号を数字/);
	await userNumberBox.fill(resident.userNumber);
	await page.getByRole('button', { name: '利用者番号で探す' }).click();
	const theirs = page.getByRole('region', { name: `利用者番号 ${resident.userNumber} の予約` });
	await expect(theirs.getByRole('row').filter({ hasText: reservationNumber })).toContainText('予約済み');
	// under the citizen's list, the last of the page's paged lists (the day's list is the first)
	await expect(page.getByText('全1件を表示しています。').last()).toBeVisible();
	await expectAccessible(page, 'reservations by user number');

	// found by its number too; cancelled on the citizen's behalf, with a reason
	await page.getByRole('textbox', { name: '予約番号' }).fill(reservationNumber);
	await page.getByRole('button', { name: '探す', exact: true }).click();
	const found = page.getByRole('region', { name: `予約番号 ${reservationNumber}` });
	await expect(found).toContainText('港　太郎');
	await found.getByRole('button', { name: `取り消す: ${reservationNumber}` }).click();
	await expect(page.getByRole('heading', { name: `予約 ${reservationNumber} の取消し (利用者に代わって)` })).toBeFocused();
	await page.getByRole('button', { name: '取消しを確定する' }).click();
	await expect(page.locator('[data-field="reason"] .error')).toHaveText(/入力してください。/);
	await page.getByRole('textbox', { name: '取消しの理由' }).fill('ご本人から電話で取消しの依頼がありました。');
	await page.getByRole('button', { name: '取消しを確定する' }).click();
	await expect(page.getByRole('dialog')).toContainText(`予約 ${reservationNumber} (港　太郎 様) を取り消します。`);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: `予約 ${reservationNumber} を取り消しました。` })).toBeVisible();
	await expect(row).toContainText('取消し済み');
	await expect(theirs.getByRole('row').filter({ hasText: reservationNumber })).toContainText('取消し済み');
	await expect(row.getByRole('button')).toHaveCount(0);
	await expectAccessible(page, 'after the cancellation');

	const mail = await backend.mail(resident.email, `予約取消しのお知らせ（予約番号 ${reservationNumber}）`);
	expect(mail.body).toContain('ご本人から電話で取消しの依頼がありました。');
	expect(mail.body).toContain('施設の担当者が予約を取り消しました。');
});
