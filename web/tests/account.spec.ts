/**
 * The account on マイページ: the lottery-results e-mail choice, パスワード変更 and
 * パスワードを忘れた場合 (seed 003 §10–11), as a resident does them.
 */
import { expect, expectAccessible, test, Backend } from './support/fixtures';
import { field, registerResident, signIn } from './support/citizen';
import type { Page } from '@playwright/test';

async function tryPassword(page: Page, userNumber: string, password: string): Promise<void> {
	await page.goto('/login');
	await field(page, '利用者番号').fill(userNumber);
	await field(page, 'パスワード').fill(password);
	await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

test('a resident turns the lottery results e-mail off on マイページ and it stays off @phone', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await signIn(page, resident);
	await page.getByRole('link', { name: 'マイページ' }).click();
	await expect(page.getByTestId('lottery-mail')).toHaveText('受け取る');
	const box = page.getByRole('checkbox', { name: '抽選結果をメールで受け取る' });
	await expect(box).toBeChecked();
	await box.uncheck();
	await page.getByRole('button', { name: '設定を変更する' }).click();
	await expect(page.getByRole('status').filter({ hasText: '抽選結果メールの設定を変更しました。' })).toBeVisible();
	await expect(page.getByTestId('lottery-mail')).toHaveText('受け取らない');
	await expectAccessible(page, 'lottery mail setting saved');

	await page.reload();
	await expect(page.getByTestId('lottery-mail')).toHaveText('受け取らない');
	await expect(page.getByRole('checkbox', { name: '抽選結果をメールで受け取る' })).not.toBeChecked();
});

test('a resident changes the password: a wrong current one is named, then every session ends', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await signIn(page, resident);
	await page.getByRole('link', { name: 'パスワード変更' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'パスワード変更' })).toBeVisible();
	await expectAccessible(page, 'password change');

	await field(page, '現在のパスワード').fill('not-my-password');
	await field(page, '新しいパスワード').fill('shibakoen77');
	await field(page, '新しいパスワードの確認').fill('shibakoen77');
	await page.getByRole('button', { name: '設定' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.locator('[data-field="currentPassword"] .error')).toHaveText(/現在のパスワードが違います。/);
	await expect(field(page, '新しいパスワード')).toHaveValue('shibakoen77'); // nothing typed is lost

	await field(page, '現在のパスワード').fill(resident.password);
	await page.getByRole('button', { name: '設定' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'ログイン' })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'パスワードを変更しました。新しいパスワードでログインしてください。' })).toBeVisible();
	await expectAccessible(page, 'signed out after the change');
	await backend.mail(resident.email, 'パスワードが変更されました');

	await tryPassword(page, resident.userNumber, resident.password);
	await expect(page.getByRole('alert')).toContainText('番号またはパスワードが違います');
	await signIn(page, { ...resident, password: 'shibakoen77' });
});

test('a resident who forgot the password resets it by the e-mailed link, which works once', async ({ page, backend }) => {
	const resident = await registerResident(page, backend);
	await page.goto('/login');
	await page.getByRole('link', { name: 'パスワードを忘れた場合' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'パスワードの再設定' })).toBeVisible();
	await field(page, '利用者番号').fill(resident.userNumber);
	await field(page, 'メールアドレス').fill(resident.email);
	await expectAccessible(page, 'reset request');
	await page.getByRole('button', { name: '確認メール送信' }).click();
	await expect(page.getByText('パスワード再設定のメールを送信しました。')).toBeVisible();

	const link = Backend.link(await backend.mail(resident.email, 'パスワードの再設定'));
	await page.goto(link);
	await expect(page.getByRole('heading', { level: 1, name: 'パスワード再設定' })).toBeVisible();
	await expect(page).not.toHaveURL(/token=/); // the token leaves the address bar
	await field(page, '新しいパスワード').fill('atarashii55');
	await field(page, '新しいパスワードの確認').fill('atarashii56');
	await page.getByRole('button', { name: '設定' }).click();
	await expect(page.locator('[data-field="again"] .error')).toBeVisible();
	await field(page, '新しいパスワードの確認').fill('atarashii55');
	await expectAccessible(page, 'reset form');
	await page.getByRole('button', { name: '設定' }).click();
	await expect(page.getByText('パスワードを再設定しました。新しいパスワードでログインしてください。')).toBeVisible();

	await tryPassword(page, resident.userNumber, resident.password);
	await expect(page.getByRole('alert')).toContainText('番号またはパスワードが違います');
	await signIn(page, { ...resident, password: 'atarashii55' });

	// the same link again: used up, said in words
	await page.goto(link);
	await field(page, '新しいパスワード').fill('mouichido99');
	await field(page, '新しいパスワードの確認').fill('mouichido99');
	await page.getByRole('button', { name: '設定' }).click();
	await expect(page.getByRole('alert')).toContainText('このリンクは使用済みです');
});
