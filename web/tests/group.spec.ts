import { expect, expectAccessible, test, uniqueEmail, Backend } from './support/fixtures';
import { field, fillRegistration } from './support/citizen';

// A PNG the server's check accepts (it reads the first bytes).
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048)]);

test('a group registers through its representative with a roster, which staff see and accept', async ({ page, backend }) => {
	const email = uniqueEmail('group');
	const password = 'minato2024';
	await page.goto('/registrations/new');
	await page.getByRole('radio', { name: '団体' }).check();
	const group = page.getByRole('group', { name: '団体情報' });
	await field(group, '団体名').fill('上尾テニスクラブ');
	await field(group, '団体名カタカナ').fill('アゲオ　テニスクラブ');
	await group.getByRole('textbox', { name: 'うち市内在住・在勤の人数', exact: true }).fill('8');
	await fillRegistration(page, email, password);
	await page.getByRole('button', { name: '確認' }).click();
	// the members were left out: said next to the field, nothing else lost
	await expect(field(group, '団体の人数')).toHaveAttribute('aria-invalid', 'true');
	await field(group, '団体の人数').fill('12');
	await expectAccessible(page, 'group input');
	await page.getByRole('button', { name: '確認' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認' })).toBeVisible();
	await expect(page.getByRole('row', { name: /利用者区分/ })).toContainText('団体');
	await expect(page.getByRole('row', { name: /^団体名 / })).toContainText('上尾テニスクラブ');
	await expect(page.getByRole('row', { name: /団体の人数/ })).toContainText('12');

	const roster = page.getByLabel(/^団体名簿\s*$/); // optional: no 必須 badge
	await roster.setInputFiles({ name: 'meibo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
	await expect(page.locator('[data-field="roster"] .error')).toHaveText(/jpg, jpeg, png のファイルを選んでください。/);
	await roster.setInputFiles({ name: 'meibo.png', mimeType: 'image/png', buffer: PNG });
	await expect(page.locator('[data-field="roster"] .error')).toHaveCount(0);
	await expectAccessible(page, 'group review');
	await page.screenshot({ path: 'test-results/group-review.png', fullPage: true });

	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();
	await expect(page.getByText('団体名簿を送信しました。')).toBeVisible();

	const mail = await backend.mail(email, 'メールアドレスの確認');
	await page.goto(Backend.link(mail));
	const userNumber = (await page.getByTestId('user-number').textContent())!.trim();
	expect(userNumber).toMatch(/^\d{6}$/);

	// Staff review the group with its roster (the check runs when S3 has the file).
	const staff = await backend.staffToken();
	let review: { roster: { present: boolean }; applicant: { userType: string; group: { name: string; members: number } } } | undefined;
	await expect(async () => {
		const queue = await backend.json<{ items: { applicationId: string; userNumber: string }[] }>('GET', '/v1/staff/reviews', undefined, staff);
		const mine = queue.items.find((item) => item.userNumber === userNumber)!;
		review = await backend.json('GET', `/v1/staff/reviews/${mine.applicationId}`, undefined, staff);
		expect(review!.roster.present).toBe(true);
	}).toPass({ timeout: 30_000 });
	expect(review!.applicant.userType).toBe('group');
	expect(review!.applicant.group).toMatchObject({ name: '上尾テニスクラブ', members: 12 });
	await backend.approve(userNumber);
	const token = await backend.citizenToken(userNumber, password);
	const me = await backend.json<{ userType: string; rosterAccepted: boolean; group: { nameKana: string } }>('GET', '/v1/me', undefined, token);
	expect(me).toMatchObject({ userType: 'group', rosterAccepted: true, group: { nameKana: 'アゲオ　テニスクラブ' } });
});
