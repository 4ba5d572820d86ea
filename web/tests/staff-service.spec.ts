/**
 * The console pages for the service itself: 受付時間と一時休止 (administrators) and
 * 利用者登録証の郵送 (reviewers), with the roles that may not use them refused.
 */
import { readFileSync } from 'node:fs';
import { expect, expectAccessible, test } from './support/fixtures';
import { addDays, registerResident } from './support/citizen';
import { STAFF, staffSignIn } from './support/staff';

test('an administrator sets the reception hours, announces a suspension, cancels it, and lifts the hours', async ({ page, backend }) => {
	try {
		await staffSignIn(page, STAFF.administrator, '/staff');
		await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '受付時間と一時休止' }).click();
		await expect(page.getByRole('heading', { level: 1, name: '受付時間と一時休止' })).toBeVisible();
		await expect(page.getByTestId('reception-hours')).toHaveText('制限なし (24時間受付)');
		await expect(page.getByTestId('reception-accepting')).toContainText('受付中');
		await expectAccessible(page, 'reception');

		// the hours: a malformed time is refused next to its field, then the day's whole
		// span is set (so the tests after this one can still book), without the new year
		const hours = page.getByRole('region', { name: '受付時間の設定' });
		await hours.getByRole('textbox', { name: '受付開始' }).fill('8:00');
		await hours.getByRole('button', { name: '受付時間を設定する' }).click();
		await expect(page.locator('[data-field="opens"] .error')).toHaveText(/HH:MM/);
		await hours.getByRole('textbox', { name: '受付開始' }).fill('00:00');
		await hours.getByRole('textbox', { name: '受付終了' }).fill('24:00');
		await hours.getByRole('checkbox', { name: '年末年始は受け付けない' }).uncheck();
		await hours.getByRole('button', { name: '受付時間を設定する' }).click();
		await expect(page.getByRole('dialog')).toContainText('受付時間を 00:00から24:00まで に設定します。');
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(page.getByRole('status').filter({ hasText: '受付時間を 00:00から24:00まで に設定しました。' })).toBeVisible();
		await expect(page.getByTestId('reception-hours')).toHaveText('00:00から24:00まで');

		// a suspension ten days on: the end must come after the start
		const day = addDays(await backend.today(), 10);
		const plan = page.getByRole('region', { name: '一時休止の予告' });
		await plan.getByLabel('休止の開始 (日本時間)').fill(`${day}T05:00`);
		await plan.getByLabel('休止の終了 (日本時間)').fill(`${day}T01:00`);
		await plan.getByRole('button', { name: '一時休止を予告する' }).click();
		await expect(page.locator('[data-field="until"] .error')).toHaveText(/終了は開始より後の日時にしてください。/);
		await expect(page.locator('[data-field="notice"] .error')).toHaveText(/入力してください。/);
		await plan.getByLabel('休止の開始 (日本時間)').fill(`${day}T00:00`);
		await plan.getByLabel('休止の終了 (日本時間)').fill(`${day}T05:00`);
		const notice = 'システムの更新のため、午前0時から午前5時まで予約システムを一時休止します。';
		await plan.getByRole('textbox', { name: '利用者へのお知らせ' }).fill(notice);
		await plan.getByRole('button', { name: '一時休止を予告する' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(page.getByRole('status').filter({ hasText: 'からの一時休止を予告しました。' })).toBeVisible();
		const planned = page.getByRole('region', { name: '予定されている一時休止' }).getByRole('row').filter({ hasText: notice });
		await expect(planned).toBeVisible();
		await expectAccessible(page, 'suspension planned');
		// citizens see it announced
		const status = await backend.json<{ suspensions: { notice: string }[] }>('GET', '/v1/reception');
		expect(status.suspensions.map((s) => s.notice)).toContain(notice);

		await planned.getByRole('button', { name: /^取りやめる: / }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(page.getByRole('status').filter({ hasText: '一時休止を取りやめました。' })).toBeVisible();
		await expect(page.getByText('予定されている一時休止はありません。')).toBeVisible();

		await hours.getByRole('button', { name: '受付時間の制限をなくす' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
		await expect(page.getByTestId('reception-hours')).toHaveText('制限なし (24時間受付)');

		// every change is in the audit trail
		const audit = await backend.json<{ items: { action: string }[] }>('GET', '/v1/staff/audit', undefined, await backend.staffToken());
		expect(audit.items.slice(0, 4).map((r) => r.action)).toEqual([
			'reception_hours.set',
			'suspension.lifted',
			'suspension.planned',
			'reception_hours.set'
		]);
	} finally {
		// whatever happened above, the next tests book at any hour with nothing suspended
		const token = await backend.staffToken();
		await backend.json('PUT', '/v1/staff/reception-hours', null, token);
		const left = await backend.json<{ suspensions: { suspensionId: string }[] }>('GET', '/v1/reception');
		for (const s of left.suspensions) await backend.json('DELETE', `/v1/staff/suspensions/${s.suspensionId}`, undefined, token);
	}
});

test('a reviewer exports the registration cards to mail as address labels and marks one mailed', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await backend.approve(resident.userNumber);

	await staffSignIn(page, STAFF.reviewer, '/staff');
	await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '利用者登録証の郵送' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '利用者登録証の郵送' })).toBeVisible();
	// the approval reaches the list once the review workflow has applied it
	const list = page.getByRole('region', { name: /^郵送待ちの利用者登録証/ });
	await expect(async () => {
		await page.reload();
		await expect(list.getByRole('row').filter({ hasText: resident.userNumber })).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 30_000 });
	await expect(list.getByRole('row').filter({ hasText: resident.userNumber })).toContainText('港　太郎');
	await expectAccessible(page, 'registration cards');

	// the address labels: downloaded, opened, checked
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: '宛名ラベルのCSVを書き出す' }).click();
	const bytes = readFileSync((await (await download).path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const [header, ...lines] = bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
	expect(header).toBe('利用者番号,氏名,氏名カナ,郵便番号,都道府県,市区郡,町村番地建物名,在住・在勤,本登録日時');
	const mine = lines.map((l) => l.split(',')).find((cells) => cells[0] === resident.userNumber)!;
	expect(mine.slice(0, 2)).toEqual([resident.userNumber, '港　太郎']);

	// nothing chosen: told to choose; then this one is marked mailed and leaves the list
	await page.getByRole('button', { name: /^選択した登録証を郵送済みにする/ }).click();
	await expect(page.getByRole('status').filter({ hasText: '郵送済みにする登録証を選んでください。' })).toBeVisible();
	await page.getByRole('checkbox', { name: `${resident.userNumber} 港　太郎 様を選択` }).check();
	await page.getByRole('button', { name: '選択した登録証を郵送済みにする (1件)' }).click();
	await expect(page.getByRole('dialog')).toContainText('選択した 1件の利用者登録証を郵送済みにします。');
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '1件の利用者登録証を郵送済みにしました。' })).toBeVisible();
	await expect(page.getByRole('row').filter({ hasText: resident.userNumber })).toHaveCount(0);
	await expectAccessible(page, 'after marking mailed');

	// a reviewer may not set the reception hours, a facility manager may not mail cards
	await page.goto('/staff/reception');
	await expect(page.getByRole('heading', { level: 1, name: 'この画面はあなたの権限では使えません。' })).toBeVisible();
});

test('a facility manager is not offered the registration cards', async ({ page }) => {
	await staffSignIn(page, STAFF.manager, '/staff/registration-cards');
	await expect(page.getByRole('heading', { level: 1, name: 'この画面はあなたの権限では使えません。' })).toBeVisible();
	await page.goto('/staff');
	await expect(page.getByRole('link', { name: '利用者登録証の郵送' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: '受付時間と一時休止' })).toHaveCount(0);
});
