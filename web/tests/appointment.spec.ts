import { expect, expectAccessible, test, uniqueEmail, Backend } from './support/fixtures';
import { addDays, field } from './support/citizen';

test('a counter appointment for two: request, e-mailed link, consecutive slots with countdown, receipt, printable lookup and cancel @phone', async ({ page, backend }) => {
	const email = uniqueEmail('pickup');
	await page.goto('/');
	await page.getByRole('link', { name: 'マイナンバーカード受取予約' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'マイナンバーカード受取予約' })).toBeVisible();
	await expectAccessible(page, 'appointment request');

	await page.getByLabel('同時に予約する人数').selectOption('2');
	const first = page.getByRole('group', { name: '1人目' });
	await field(first, '番号1').fill('ABC123456');
	await field(first, '誕生日').fill('1985-05-05');
	const second = page.getByRole('group', { name: '2人目' });
	await field(second, '番号1').fill('TWN000111');
	await field(second, '誕生日').fill('2010-01-01');
	await field(page, '連絡先メールアドレス').fill(email);
	await field(page, '連絡先メールアドレス(確認用)').fill(email);
	await page.getByRole('button', { name: '送信する' }).click();

	// twins share number 1 and birthdate: the page asks for number 2 of that person only
	await expect(second.getByText('交付対象を特定できませんでした。番号2も入力してください。')).toBeVisible();
	await expect(field(first, '番号2')).toHaveCount(0);
	await expectAccessible(page, 'number 2 asked');
	await field(second, '番号2').fill('TWINBBBBBBBBBBBB02');
	await page.getByRole('button', { name: '送信する' }).click();
	await expect(page.getByText('メールを送信しました')).toBeVisible();

	const mail = await backend.mail(email, '窓口予約');
	await page.goto(Backend.link(mail));
	await expect(page.getByRole('heading', { level: 1, name: '予約入力' })).toBeVisible();
	await expect(page).toHaveURL(/\/appointments\/new$/); // the token left the address bar
	await expect(page.getByText('2名様分の予約のため、連続して2枠の予約枠が必要です。')).toBeVisible();
	await expect(page.getByRole('button', { name: / 10:00 空き\d/ }).first()).toBeVisible(); // the week has loaded
	// 16:45 is the last slot of the day: no run of two starts there
	await expect(page.getByRole('button', { name: / 16:45 空き/ })).toHaveCount(0);
	await expectAccessible(page, 'slot grid');

	// a week at a time, or two (seed 002's [<前へ] [次へ>] and [<<] [>>]), never before tomorrow
	const today = await backend.today();
	const md = (days: number) => {
		const [, m, d] = addDays(today, days).split('-').map(Number);
		return `${m}/${d}(`;
	};
	const firstColumn = page.locator('table.grid thead th').nth(1);
	await expect(firstColumn).toHaveText(new RegExp(`^${md(1).replace(/[()]/g, '\\$&')}`));
	await expect(page.getByRole('button', { name: '前へ', exact: true })).toBeDisabled();
	await expect(page.getByRole('button', { name: '2週間前へ' })).toBeDisabled();
	if (process.env.SCREENSHOTS) await page.screenshot({ path: `screenshots/20-appointment-slots-${page.viewportSize()!.width}.png`, fullPage: true });
	await page.getByRole('button', { name: '2週間先へ' }).click();
	await expect(firstColumn).toHaveText(new RegExp(`^${md(15).replace(/[()]/g, '\\$&')}`));
	// the answer for the week left behind comes late (a slow network): it must not fill
	// the grid of the week now on screen
	const late = (url: URL) => url.pathname.endsWith('/availability') && url.search.includes(`from=${addDays(today, 8)}`);
	const lateAnswer = page.waitForResponse((response) => late(new URL(response.url())));
	await page.route(
		late,
		async (route) => {
			const response = await route.fetch();
			await new Promise((r) => setTimeout(r, 1_500));
			await route.fulfill({ response });
		}
	);
	await page.getByRole('button', { name: '前へ', exact: true }).click();
	await expect(firstColumn).toHaveText(new RegExp(`^${md(8).replace(/[()]/g, '\\$&')}`));
	await page.getByRole('button', { name: '2週間前へ' }).click(); // back to tomorrow, not before
	await expect(firstColumn).toHaveText(new RegExp(`^${md(1).replace(/[()]/g, '\\$&')}`));
	await lateAnswer;
	await page.unroute(late);

	const cell = page.getByRole('button', { name: / 10:00 空き\d/ }).first();
	await cell.focus();
	await page.keyboard.press('Enter'); // by keyboard
	await expect(page.getByRole('timer', { name: '仮押さえの残り時間' })).toHaveText(/残り (10|9)分/);
	await expect(page.getByRole('status').filter({ hasText: '予約日時:' })).toContainText('10:00~10:30');
	await field(page, 'お名前').fill('上尾　花子');
	await field(page, '電話番号').fill('048-775-0000');
	// 連絡先メールアドレス2 and 受取人情報 (one per person, optional)
	const email2 = uniqueEmail('pickup-second');
	await page.getByRole('textbox', { name: '連絡先メールアドレス2', exact: true }).fill(email2);
	await page.getByRole('textbox', { name: '1人目 受取人氏名', exact: true }).fill('上尾　花子');
	await page.getByRole('textbox', { name: '1人目 受取人氏名カタカナ', exact: true }).fill('アゲオ　ハナコ');
	await page.getByRole('textbox', { name: '2人目 受取人氏名', exact: true }).fill('上尾　太郎');
	await expectAccessible(page, 'slot held');
	await page.getByRole('button', { name: '確認へ進む' }).click();

	await expect(page.getByRole('heading', { level: 1, name: '予約入力確認' })).toBeVisible();
	await expect(page.getByRole('row', { name: /人数/ })).toContainText('2人');
	await expect(page.getByRole('row', { name: /受取人情報/ })).toContainText('1人目: 上尾　花子（アゲオ　ハナコ）');
	await expect(page.getByRole('row', { name: /連絡先メールアドレス2/ })).toContainText(email2);
	await expectAccessible(page, 'confirm');
	await page.getByRole('button', { name: '予約する' }).click();

	await expect(page.getByRole('heading', { level: 1, name: '予約が完了しました。' })).toBeVisible();
	const receipt = (await page.getByTestId('receipt-number').textContent())!.trim();
	const password = (await page.getByTestId('receipt-password').textContent())!.trim();
	expect(receipt).toMatch(/^\d{10}$/);
	expect(password.length).toBeGreaterThanOrEqual(8);
	const done = await backend.mail(email, '予約完了通知');
	expect(done.body).toContain(receipt);
	expect(done.body).toContain(password);
	expect((await backend.mail(email2, '予約完了通知')).body).toContain(receipt); // the second address too
	// where to go and what to bring, as people know the counter
	await expect(page.getByRole('row', { name: /窓口/ })).toContainText(/第\d窓口 ・ 本庁舎1階 市民課 \d番窓口/);
	await expect(page.getByRole('row', { name: /持ち物/ })).toContainText('交付通知書');
	await expectAccessible(page, 'done');

	// 予約照会へ: filled in from this tab, printable, then 取消し
	await page.getByRole('link', { name: '予約照会へ' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '予約詳細' })).toBeVisible();
	await expect(page.getByTestId('receipt-number')).toHaveText(receipt);
	await expect(page.getByRole('button', { name: '印刷する' })).toBeVisible();
	await expectAccessible(page, 'lookup');

	// a fresh visit with the receipt number and password, as from the e-mail
	await page.goto('/');
	await page.getByRole('link', { name: '受取予約の照会・取消し' }).click();
	await field(page, '受付番号').fill(receipt);
	await field(page, 'パスワード').fill('wrong-password');
	await page.getByRole('button', { name: '照会する' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await field(page, 'パスワード').fill(password);
	await page.getByRole('button', { name: '照会する' }).click();
	await expect(page.getByTestId('appointment-status')).toHaveText('予約済み');
	await page.getByRole('button', { name: 'この予約を取り消す' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('status').filter({ hasText: '予約を取り消しました。' })).toBeVisible();
	await expect(page.getByTestId('appointment-status')).toHaveText('取消済み');
	await backend.mail(email, '予約取消');
});
