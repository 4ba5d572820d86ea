import { expect, expectAccessible, test, uniqueEmail, Backend } from './support/fixtures';
import { field, fillRegistration, signIn } from './support/citizen';

// A PNG the server's check accepts (it reads the first bytes).
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048)]);

test('a worker uploads a proof of work, sees it returned with the reason, and uploads again @phone', async ({ page, backend }) => {
	const email = uniqueEmail('worker');
	const password = 'minato2024';
	await page.goto('/registrations/new');
	await fillRegistration(page, email, password, true);
	await page.getByRole('button', { name: '確認' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認' })).toBeVisible();

	// the wrong kind of file is refused at once, next to the field
	const proof = field(page, '在勤を証明する書類');
	await proof.setInputFiles({ name: 'proof.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
	await expect(page.locator('[data-field="proof"] .error')).toHaveText(/jpg, jpeg, png のファイルを選んでください。/);
	await proof.setInputFiles({ name: 'shain-sho.png', mimeType: 'image/png', buffer: PNG });
	await expect(page.locator('[data-field="proof"] .error')).toHaveCount(0);
	await expectAccessible(page, 'worker review');

	await page.getByRole('checkbox', { name: '上記に同意して利用者登録する。' }).check();
	await page.getByRole('button', { name: '申込み' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '確認メールを送信しました' })).toBeVisible();
	await expect(page.getByText('在勤を証明する書類を送信しました。')).toBeVisible();

	const mail = await backend.mail(email, 'メールアドレスの確認');
	await page.goto(Backend.link(mail));
	const userNumber = (await page.getByTestId('user-number').textContent())!.trim();

	// staff return the application: the worker sees why on マイページ and sends it again
	await backend.decide(userNumber, 'return', '社員証の勤務先住所が読み取れません。');
	await signIn(page, { email, password, userNumber });
	await page.getByRole('link', { name: 'マイページ' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'マイページ' })).toBeVisible();
	await expect(page.getByTestId('account-status')).toHaveText('仮登録');
	await expect(page.getByText('理由: 社員証の勤務先住所が読み取れません。')).toBeVisible();
	await expect(page.getByRole('heading', { name: /利用者登録 ・ 差戻し/ })).toBeVisible();
	await expectAccessible(page, 'my page, returned');

	await field(page, '在勤を証明する書類').setInputFiles({ name: 'shain-sho-2.png', mimeType: 'image/png', buffer: PNG });
	await page.getByRole('button', { name: '書類を再提出する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '在勤を証明する書類を送信しました。' })).toBeVisible();
	// the new document resumes the review by itself: the application is no longer returned
	await expect(page.getByRole('heading', { name: /利用者登録 ・ (受付|確認中)/ })).toBeVisible({ timeout: 30_000 });
});
