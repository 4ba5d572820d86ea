import { readFileSync } from 'node:fs';
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

/** Notice numbers (3 letters or digits, 6 digits) no other run of this test uses. */
function person(suffix: number): { notice: string; second: string } {
	const digits = String(Date.now() % 1_000_000).padStart(6, '0');
	return { notice: `ST${suffix}${digits}`, second: `STAFF${suffix}${digits}ABCDEFG`.slice(0, 18) };
}

test('a facility manager imports who may book, sees the day per counter, finds an appointment by 受付番号 and cancels it on the party’s behalf', async ({
	page,
	backend
}) => {
	test.setTimeout(180_000);
	const a = person(1);
	const b = person(2);
	await staffSignIn(page, STAFF.manager, '/staff');
	await page.getByRole('link', { name: '窓口予約' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '窓口予約' })).toBeVisible();
	await expect(page.getByLabel('施設')).toHaveValue('mynumber-counter');

	// 予約できる方の取込み: a file with a bad line is refused whole, every bad line named.
	const bad = `noticeNumber,noticeNumber2,birthdate,counter\n${a.notice},${a.second},1980-02-30,\nXX,${b.second},1981-03-03,\n`;
	await page.getByLabel('CSVファイル').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await page.getByRole('button', { name: '取り込む' }).click();
	await expect(page.getByRole('dialog')).toContainText('bad.csv を マイナンバーカード交付窓口 の予約できる方として取り込みます。');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('alert')).toContainText('入力内容に誤りがあります');
	const lines = page.getByRole('list', { name: '誤りのある行 (2行)' }).getByRole('listitem');
	await expect(lines).toHaveText([/^2行目: /, /^3行目: /]);
	await expectAccessible(page, 'csv refused');
	const good = `noticeNumber,noticeNumber2,birthdate,counter\n${a.notice},${a.second},1980-02-20,\n${b.notice},${b.second},1981-03-03,counter-2\n`;
	await page.getByLabel('CSVファイル').setInputFiles({ name: 'eligible.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
	await page.getByRole('button', { name: '取り込む' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'マイナンバーカード交付窓口 に 2名を取り込みました。' })).toBeVisible();

	// Those two book as citizens do (the citizen screens are tested in appointment.spec.ts).
	let day = addDays(await backend.today(), 8);
	while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
	const receipts: string[] = [];
	for (const [who, birthdate, counter, start] of [
		[a, '1980-02-20', 'counter-1', '10:00'],
		[b, '1981-03-03', 'counter-2', '11:15']
	] as const) {
		const email = `counter-${who.notice.toLowerCase()}@example.jp`;
		await backend.json('POST', '/v1/appointment-requests', {
			facilityId: 'mynumber-counter',
			email,
			people: [{ noticeNumber: who.notice, birthdate }]
		});
		const token = /token=([\w-]+)/.exec((await backend.mail(email, '窓口予約')).body)![1];
		const hold = await backend.json<{ holdId: string }>('POST', '/v1/appointments/holds', { token, resourceTypeId: counter, date: day, start });
		const made = await backend.json<{ receiptNumber: string }>('POST', '/v1/appointments', {
			token,
			holdId: hold.holdId,
			contact: { name: who === a ? '上尾 一郎' : '上尾 二郎', phone: '048-775-5111' }
		});
		receipts.push(made.receiptNumber);
	}

	// The day, per counter.
	await page.getByLabel('来庁日').fill(day);
	await page.getByRole('button', { name: '表示する' }).click();
	const first = page.getByRole('region', { name: /^第1窓口 \(\d+件\)$/ });
	const second = page.getByRole('region', { name: /^第2窓口 \(\d+件\)$/ });
	const mine = first.getByRole('row').filter({ hasText: receipts[0]! });
	await expect(mine).toContainText('10:00–10:15');
	await expect(mine).toContainText('1名');
	await expect(mine).toContainText('上尾 一郎');
	await expect(mine).toContainText('予約済み');
	await expect(second.getByRole('row').filter({ hasText: receipts[1]! })).toContainText('11:15–11:30');
	await expectAccessible(page, 'counter day');
	await page.screenshot({ path: 'test-results/staff-appointments-day.png', fullPage: true });

	// The day as CSV: downloaded, opened and checked row by row.
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'この日のCSVを書き出す' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toBe(`appointments-mynumber-counter-${day}.csv`);
	const bytes = readFileSync((await file.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM spreadsheets need
	const [header, ...csvLines] = bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
	const columns = header!.split(',');
	expect(columns).toEqual(expect.arrayContaining(['receiptNumber', 'date', 'start', 'counter', 'people', 'contactName', 'status']));
	const csvRow = (receipt: string) => {
		const cells = csvLines.map((l) => l.split(',')).find((c) => c[0] === receipt)!;
		return Object.fromEntries(columns.map((name, i) => [name, cells[i]]));
	};
	expect(csvRow(receipts[0]!)).toMatchObject({ date: day, start: '10:00', counter: 'counter-1', counterName: '第1窓口', people: '1', contactName: '上尾 一郎', contactPhone: '0487755111', status: 'confirmed' });
	expect(csvRow(receipts[1]!)).toMatchObject({ start: '11:15', counter: 'counter-2', contactName: '上尾 二郎' });
	await expect(page.getByRole('status').filter({ hasText: `appointments-mynumber-counter-${day}.csv を書き出しました。` })).toBeVisible();
	const audit = await backend.json<{ items: { action: string; details: Record<string, unknown> }[] }>(
		'GET',
		'/v1/staff/audit?targetType=facility&targetId=mynumber-counter&action=appointments.exported',
		undefined,
		await backend.staffToken()
	);
	expect(audit.items[0]!.details).toMatchObject({ from: day, to: day });

	// Found by 受付番号 (typed and sent by keyboard), then cancelled with a reason.
	await page.getByRole('textbox', { name: '受付番号' }).fill('123');
	await page.getByRole('textbox', { name: '受付番号' }).press('Enter');
	await expect(page.locator('[data-field="number"] .error')).toContainText('受付番号は10桁の数字です。');
	await page.getByRole('textbox', { name: '受付番号' }).fill(receipts[0]!);
	await page.getByRole('textbox', { name: '受付番号' }).press('Enter');
	const found = page.getByRole('region', { name: `受付番号 ${receipts[0]} の窓口予約` });
	await expect(found).toContainText('上尾 一郎');
	await expect(page.getByText(`連絡先メールアドレス: counter-${a.notice.toLowerCase()}@example.jp`)).toBeVisible();
	await found.getByRole('button', { name: `取り消す: ${receipts[0]}` }).press('Enter');
	const cancel = page.getByRole('region', { name: `窓口予約 ${receipts[0]} を代理で取り消す` });
	await expect(cancel.getByRole('heading')).toBeFocused();
	await cancel.getByRole('button', { name: '予約を取り消す' }).click();
	await expect(cancel.locator('[data-field="reason"] .error')).toBeVisible();
	await cancel.getByLabel('取消しの理由').fill('本人から電話で取消しの依頼があったため');
	await page.screenshot({ path: 'test-results/staff-appointments-cancel.png', fullPage: true });
	await cancel.getByRole('button', { name: '予約を取り消す' }).click();
	await expect(page.getByRole('dialog')).toContainText(`窓口予約 ${receipts[0]} (上尾 一郎 様、1名) を取り消します。`);
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: `窓口予約 ${receipts[0]} を取り消しました。` })).toBeVisible();
	await expect(mine).toContainText('取消し済み');
	await expect(mine.getByRole('button')).toHaveCount(0);
	const mail = await backend.mail(`counter-${a.notice.toLowerCase()}@example.jp`, '窓口による取消し');
	expect(mail.body).toContain('本人から電話で取消しの依頼があったため');
	await expectAccessible(page, 'appointment cancelled');

	// A reviewer's role does not include counter appointments (least privilege).
	await page.getByRole('button', { name: 'ログアウト' }).click();
	await staffSignIn(page, STAFF.reviewer, '/staff');
	await expect(page.getByRole('link', { name: '窓口予約' })).toHaveCount(0);
	await page.goto('/staff/appointments');
	await expect(page.getByRole('heading', { level: 1, name: 'この画面はあなたの権限では使えません。' })).toBeVisible();
});
