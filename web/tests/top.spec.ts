import { expect, expectAccessible, test } from './support/fixtures';

test.describe('トップ', () => {
	test('shows notices, facilities and the sign-in form without signing in @phone', async ({ page }) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1, name: 'ご利用のメニューを選択してください。' })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'お知らせ' })).toBeVisible();
		await expect(page.getByText('オンライン利用者登録を始めました')).toBeVisible();
		await expect(page.getByRole('link', { name: '大平台みなと荘' })).toBeVisible();
		await expect(page.getByRole('link', { name: '空き室照会' })).toBeVisible();
		await expect(page.getByLabel('利用者番号')).toBeVisible();
		await expect(page.getByLabel('パスワード')).toBeVisible();
		await expect(page.getByRole('link', { name: '新規利用者登録' })).toBeVisible();
		await expect(page.getByRole('link', { name: '※パスワードを忘れた場合' })).toBeVisible();
		await expectAccessible(page);
	});

	test('the English switch changes the screens and the API language, and is remembered', async ({ page }) => {
		await page.goto('/');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Choose what you would like to do.' })).toBeVisible();
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		// the API answers in English too: a wrong sign-in
		await page.getByLabel('User number').fill('999999');
		await page.getByLabel('Password').fill('wrong-password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toContainText('Wrong number or password');
		await expectAccessible(page, 'in English');
		await page.reload();
		await expect(page.getByRole('heading', { level: 1, name: 'Choose what you would like to do.' })).toBeVisible();
		await page.getByRole('button', { name: '日本語' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'ご利用のメニューを選択してください。' })).toBeVisible();
	});

	test('小/中/大 changes the text size and can be used by keyboard', async ({ page }) => {
		await page.goto('/');
		const size = () => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
		expect(await size()).toBe('16px');
		await page.getByRole('button', { name: '大' }).focus();
		await page.keyboard.press('Enter');
		await expect(page.getByRole('button', { name: '大' })).toHaveAttribute('aria-pressed', 'true');
		expect(await size()).toBe('20px');
		await page.getByRole('button', { name: '小' }).click();
		expect(await size()).toBe('14px');
	});

	test('a deep link loads the app, and security headers come with every response', async ({ page, request }) => {
		const response = await page.goto('/facilities/minato-ohiradai');
		const headers = response!.headers();
		expect(headers['content-security-policy']).toContain("script-src 'self';");
		expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
		expect(headers['x-frame-options']).toBe('DENY');
		expect(headers['referrer-policy']).toBe('same-origin');
		await expect(page.getByRole('heading', { level: 1, name: /大平台みなと荘/ })).toBeVisible();
		const api = await request.get('/v1/facilities');
		expect(api.headers()['content-security-policy']).toBe(headers['content-security-policy']);
		expect((await request.get('/no-such-file.png')).status()).toBe(404);
	});
});
